import { describe, expect, it } from 'vitest';
import { extractInvoiceByRules } from './extract-invoice';

const read = (lines: string[]) => extractInvoiceByRules(lines.join('\n'));

describe('totals', () => {
  it('reads the gross sum of a summary block whose other rows also say "Gesamtbetrag"', () => {
    const fields = read([
      'Belegsummen',
      'Positionssumme                       473,00',
      'Gesamtbetrag der Zuschläge             0,00',
      'Gesamtbetrag der Abschläge            -0,00',
      'Rechnungssumme ohne USt.             473,00',
      'Steuerbetrag                          56,87',
      'Bruttosumme                          529,87',
      'Zahlbetrag                           529,87',
    ]);
    expect(fields).toMatchObject({ subtotal: 473, tax: 56.87, total: 529.87 });
  });

  it('prefers the amount that net plus tax add up to over a tax line read as a total', () => {
    const fields = read(['Net total: 496.00 €', 'VAT', 'total: 75.04 €', 'Due payable: 571.04 €']);
    expect(fields.total).toBe(571.04);
  });

  it('reads Polish totals', () => {
    const fields = read([
      'Wartość netto     99,00 PLN',
      'VAT               22,77 PLN',
      'Wartość brutto   121,77 PLN',
    ]);
    expect(fields).toMatchObject({ subtotal: 99, tax: 22.77, total: 121.77, currency: 'PLN' });
  });

  it('does not read opening hours (`Mo.-Fr. 08.30`) as Swiss francs', () => {
    const fields = read([
      'Summe   100,00 EUR',
      'Tel. 0123/45678',
      'Mo.-Fr. 08.30 - 12.30 Uhr',
      'Mo.-Fr. 14.00 - 17.00 Uhr',
    ]);
    expect(fields.currency).toBe('EUR');
  });

  it('joins an amount OCR split at the decimal point and reads ringgit and rupees', () => {
    const receipt = read(['Total           RM   85.  54', 'Visa            RM   85.54']);
    expect(receipt).toMatchObject({ total: 85.54, currency: 'MYR' });
    expect(read(['Grand Total   Rs. 170. 00']).total).toBe(170);
    expect(read(['Grand Total   Rs. 170. 00']).currency).toBe('INR');
  });

  it('derives the total from subtotal and tax when the total line is unreadable, never from the tax line', () => {
    const fields = read([
      'SUB-TOTAL      6.60',
      'ROUNDING        0.00',
      '   TOTAL      3-0O',
      'TAX TOTAL:     0.40',
    ]);
    expect(fields.total).toBe(7);
  });

  it('reads a total label whose words OCR spaced into columns', () => {
    const fields = read([
      '  Total  Incl.  GST@6%               RM 5.90',
      '  CASH                               RM 5.90',
    ]);
    expect(fields.total).toBe(5.9);
  });
});
