import { describe, expect, it } from 'vitest';
import { extractInvoiceByRules } from './extract-invoice';
import { invoiceNumberToken } from './header-fields';

const read = (lines: string[]) => extractInvoiceByRules(lines.join('\n'));

describe('invoice number and date from the title line', () => {
  it('reads `<document word> (code) Nr. <number> vom <date>` where no number label stands alone', () => {
    const fields = read([
      'Sample invoices',
      'Handelsrechnung (380) Nr. 471102 vom 05.03.2018',
      'Währung:   EUR',
    ]);
    expect(fields).toMatchObject({ invoiceNumber: '471102', invoiceDate: '2018-03-05' });
    expect(read(['Rechnung des Versicherers (575) Nr. 01.234.567.8-2018-1 vom 06.12.2018'])).toMatchObject({
      invoiceNumber: '01.234.567.8-2018-1',
      invoiceDate: '2018-12-06',
    });
    // OCR spreads the title line over columns.
    expect(read(['  Handelsrechnung (380)            Nr. 471102       vom     05.03.2018'])).toMatchObject({
      invoiceNumber: '471102',
      invoiceDate: '2018-03-05',
    });
    expect(read(['Invoice # RE-20201121/508 issued at 2020-11-21'])).toMatchObject({
      invoiceNumber: 'RE-20201121/508',
      invoiceDate: '2020-11-21',
    });
  });

  it('keeps a series prefix printed apart from its digits, and does not take an order number for it', () => {
    expect(read(['Faktura VAT nr FV 152011', 'Data wystawienia: 2011-04-14']).invoiceNumber).toBe(
      'FV 152011',
    );
    const order = read(['Bemerkung   Rechnung gemäß Bestellung Nr. 2018-471331 vom 01.03.2018.']);
    expect(order.invoiceNumber).toBeUndefined();
  });

  it('drops the number sign and number word in front of the value', () => {
    expect(invoiceNumberToken('#INV03051')).toBe('INV03051');
    expect(invoiceNumberToken(': R87654321012345')).toBe('R87654321012345');
    expect(invoiceNumberToken('NO. 001')).toBe('001');
    // A zero-width space after the label (some PDF generators) is not text.
    expect(read(['Invoice\u200b: NO. 001']).invoiceNumber).toBe('001');
  });

  it('takes a number that only an OCR repair would read as a VAT id (`R0…` as Romanian `RO…`)', () => {
    expect(read(['Rechnungsnummer: R0005532486']).invoiceNumber).toBe('R0005532486');
    expect(invoiceNumberToken('DE123456789')).toBeUndefined();
  });

  it('reads a written date with a two-digit year, not a time after it', () => {
    expect(read(['----2003 CLOSED 24 Mar 18 09:58:26 PM---']).invoiceDate).toBe('2018-03-24');
    expect(read(['Date: 3 May 18:30']).invoiceDate).toBeUndefined();
  });
});
