import { describe, expect, it } from 'vitest';
import { detectDateOrder, findCompactDates } from './dates';
import { extractInvoiceByRules } from './extract-invoice';

describe('date order by locale', () => {
  it('reads an ambiguous date day first on a Malaysian receipt that OCR gave a stray `$`', () => {
    const text = [
      ' FY EAGLE ENTERPRISE',
      '    TAMAN PERINDUSTRIAN BUKIT SERDANG,',
      'RECEIPT #: CS00031180 DATE: 04/12/2017',
      '12087              2    $50        7.00',
      '   TOTAL                          7.00',
    ].join('\n');
    expect(extractInvoiceByRules(text).invoiceDate).toBe('2017-12-04');
  });

  it('keeps month first for a dollar invoice with no day-first place named', () => {
    expect(detectDateOrder('Invoice date 04/12/2017 Total $50.00', 'USD')).toBe('MDY');
    expect(detectDateOrder('Jalan Ampang 04/12/2017 Total $50.00', 'USD')).toBe('DMY');
    // The document's own unambiguous dates still decide first.
    expect(detectDateOrder('Jalan Ampang 04/12/2017 due 04/18/2017', 'USD')).toBe('MDY');
  });
});

describe('compact dates', () => {
  it('reads eight-digit dates day first, or year first when they start with the year', () => {
    expect(findCompactDates('00440010036 25032018 13:11:54', 'DMY').map((d) => d.iso)).toEqual([
      '2018-03-25',
    ]);
    expect(findCompactDates('POS 20180325', 'DMY').map((d) => d.iso)).toEqual(['2018-03-25']);
    expect(findCompactDates('03252018', 'MDY').map((d) => d.iso)).toEqual(['2018-03-25']);
  });

  it('ignores numbers that are no calendar date, longer digit runs and dotted numbers', () => {
    expect(findCompactDates('99999999 12345678 45032018 123456789 1.25032018', 'DMY')).toEqual([]);
    expect(findCompactDates('', 'DMY')).toEqual([]);
  });

  it('is used only when the receipt prints no other date', () => {
    const compactOnly = ['KEDAI MAJU', '  21032018   ea NE OO', 'TOTAL 5.00'].join('\n');
    expect(extractInvoiceByRules(compactOnly).invoiceDate).toBe('2018-03-21');
    const both = ['KEDAI MAJU', 'Ref 21032018', 'Date: 22/03/2018', 'TOTAL 5.00'].join('\n');
    expect(extractInvoiceByRules(both).invoiceDate).toBe('2018-03-22');
  });
});

describe('the sale date of a receipt without a date label', () => {
  it('prefers the date the till printed with a time over other dates', () => {
    const text = [
      'PASAR MINI JIN SENG',
      'TAXINV:002-1550040                18/03/16',
      '18/03/18 09:03 #002-1550040',
      'TOTAL 28.60',
    ];
    expect(extractInvoiceByRules(text.join('\n')).invoiceDate).toBe('2018-03-18');
    // Without a time stamp the first date still wins.
    text[2] = '18/03/18 #002-1550040';
    expect(extractInvoiceByRules(text.join('\n')).invoiceDate).toBe('2016-03-18');
  });
});
