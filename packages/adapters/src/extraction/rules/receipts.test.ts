import { describe, expect, it } from 'vitest';
import { extractInvoiceByRules } from './extract-invoice';

describe('receipts', () => {
  it('takes the printed amount that cash less change confirms as the total', () => {
    // A thermal receipt whose last SUBTOTAL line, after rounding, is what was paid.
    const text = [
      'POPULAR BOOK',
      'CO. (M) SDN BHD',
      '(113825-W)',
      'NO 8, JALAN 7/118B, DESA TUN RAZAK',
      'SUBTOTAL (QTY 4)       RM41.43',
      'ROUNDING               RM0.02',
      'SUBTOTAL (QTY 4)       RM41.45',
      'CASH                   RM51.50',
      'CHANGE                 RM10.05',
    ].join('\n');
    const fields = extractInvoiceByRules(text);
    expect(fields.total).toBe(41.45);
    expect(fields.currency).toBe('MYR');
  });

  it('reads a Final Total label, and keeps a total that the payment agrees with', () => {
    const text = [
      'Y SOON FATT S/B',
      'Total Inc. GST 6%:        362.50',
      'Rounding Adjustment:        0.00',
      'Final Total         :     362.50',
      'Cash                :     400.00',
      'Change              :      37.50',
    ].join('\n');
    expect(extractInvoiceByRules(text).total).toBe(362.5);
  });

  it('derives the total from the payment when no total line was read', () => {
    const text = [
      'KEDAI RUNCIT MAJU',
      'MILO 1KG        12.90',
      'CASH        RM20.00',
      'CHANGE       RM7.10',
    ].join('\n');
    const fields = extractInvoiceByRules(text);
    expect(fields.total).toBe(12.9);
    expect(fields.confidence.total).toBeLessThanOrEqual(0.6);
  });

  it('joins a company name wrapped before its legal form, and skips labels and address fragments', () => {
    const wrapped = ['POPULAR BOOK', 'CO. (M) SDN BHD', '(113825-W)', 'TOTAL RM41.45'].join('\n');
    expect(extractInvoiceByRules(wrapped).vendorName).toBe('POPULAR BOOK CO. (M) SDN BHD');
    const owned = ['Owned By:', 'SANYU STATIONERY SHOP', 'TAMAN BERKELEY', 'TOTAL RM5.00'].join('\n');
    expect(extractInvoiceByRules(owned).vendorName).toBe('SANYU STATIONERY SHOP');
    // A complete name ending in a company word is not glued to the line above it.
    const posted = ['POSTED', 'YONG CEN ENTERPRISE', 'TOTAL RM94.00'].join('\n');
    expect(extractInvoiceByRules(posted).vendorName).toBe('YONG CEN ENTERPRISE');
  });

  it('takes the name printed with its registration number over the customer block below', () => {
    const text = [
      'eiiiAiHo—OOO',
      '   GARDENIA BAKERIES (KL) SDN BHD (139386 X)',
      '                Lot 3, Jalan PelaBur 23/1,',
      '                 GST ID: 000381399040',
      '            TAX INVOICE / ADJUSTMENT NOTE',
      '   MAKASSAR FRESH MARKET SDN BHD',
      '   JALAN SS 15/4B,',
      '                     Total Payable:    51.88',
    ].join('\n');
    expect(extractInvoiceByRules(text).vendorName).toBe('GARDENIA BAKERIES (KL) SDN BHD');
  });

  it('repairs legal forms that thermal print and OCR garble', () => {
    const read = (top: string) => extractInvoiceByRules(`${top}\n(139386-X)\nTOTAL RM5.00`).vendorName;
    expect(read('FOUR QUARTERS SUN BHD')).toBe('FOUR QUARTERS SDN BHD');
    expect(read('SINNATHAMBY HOLDINGS SDN. HD.')).toBe('SINNATHAMBY HOLDINGS SDN. BHD.');
    expect(read('Broadview Marketing Sdn Ehd')).toBe('Broadview Marketing Sdn Bhd');
    expect(read('LAVENDER CONFECTIONERY & BAKERY 5/B')).toBe('LAVENDER CONFECTIONERY & BAKERY S/B');
  });
});

describe('receipt totals cross-checked with rounding and payment', () => {
  it('takes a subtotal-labelled amount printed after the rounding line as the rounded total', () => {
    const text = [
      'BREWERY Tap',
      '3  SubTotal             179.66',
      '   GST 6%:               10.08',
      '   Rounding Adi           0.01',
      '   Net Total            189.75',
      'Tax Summary      Amount       Tax',
    ].join('\n');
    expect(extractInvoiceByRules(text).total).toBe(189.75);
  });

  it('takes what was paid when it differs from the printed total by the rounding', () => {
    const text = [
      'MPH BOOKSTORES SDN BHD',
      '    Total Amount(incl. GST)         31.47',
      '                    Rounding        -0.02',
      '                        CASH        50.00',
      '                      CHANGE        18.55',
    ].join('\n');
    const fields = extractInvoiceByRules(text);
    expect(fields.total).toBe(31.45);
    // A payment that disagrees by more than the rounding does not move the printed total.
    const off = text.replace('18.55', '10.00');
    expect(extractInvoiceByRules(off).total).toBe(31.47);
  });

  it('reads `CASH CHANGE` as the change, not as cash tendered', () => {
    const text = [
      'Cashier  :  ALEX',
      'SUBTOTAL :                            43.90',
      'Total  (Excluding GST)               41.42',
      'CASH                                100.00',
      'CASH CHANGE  :  |                    56.10',
    ].join('\n');
    expect(extractInvoiceByRules(text).total).toBe(43.9);
  });

  it('joins a total label that OCR spaced apart word by word', () => {
    const text = [
      'TONYMOLY VIVA CITY',
      ' Total  Sales  Incl.  GST          39. 90',
      ' Kounding Adjustment               0.00',
      'GS   summary    Amount(RM)       Tax(RM)',
    ].join('\n');
    expect(extractInvoiceByRules(text).total).toBe(39.9);
    const after = [
      'AEON CO. (M) BHD',
      'Sub-total      46,54',
      'Rounding Adj  0.01',
      'Total After Adj  Incl GST   46,55',
      'GST Summary   Amount   Tax',
      'Total     43.90     2,64',
    ].join('\n');
    expect(extractInvoiceByRules(after).total).toBe(46.55);
  });
});

describe('receipt vendor names', () => {
  const vendor = (lines: string[]) => extractInvoiceByRules(lines.join('\n')).vendorName;

  it('reads a shop number before the name and a garbled S/B with a curly registration', () => {
    expect(
      vendor([
        '          99 SPEED MART 5/8 {519537-X)',
        '           LOT F,T,  2811,  JALAN ANGSA,',
        'TOTAL RM5.00',
      ]),
    ).toBe('99 SPEED MART S/B');
    // A street number is not a shop number.
    expect(vendor(['12 JALAN SS 15/4B,', 'TOTAL RM5.00'])).toBeUndefined();
  });

  it('keeps the seller above the title over a customer company below it', () => {
    const text = [
      '   GARDENIA BAKERIES(KL) SDN BID (139386 X)',
      '                Lot 3,  Jalan Pelabur 23/1,',
      '                  GST ID: 000381399040',
      '             TAK  INVOICE / ADJUSTMENT NOTE',
      '                       Cash Inv No.:  7724F717',
      '   MAKASSAR FRESH MARKET   SDN BHD',
      '                     Total Payable:    51.88',
    ];
    expect(vendor(text)).toBe('GARDENIA BAKERIES(KL) SDN BHD');
    // The legal form drifted far right of the name on the same line.
    text[0] = '"GARDENIA BAKERIES(KL) SDN            BHD (139386 X)';
    expect(vendor(text)).toBe('GARDENIA BAKERIES(KL) SDN BHD');
  });

  it('takes the shop named at the top over the company that owns it', () => {
    const text = [
      '— SANYU STATIONERY SHOP',
      '    NO. 31G&33G, JALAN SETIA INDAH X ,U13/X',
      '    GST ID No: 001531760640',
      '  Ouned By:                      TAX INVOICE',
      '   SANYU SUPPLY SDN BHD (1135772-K)',
      '    CASH SALES COUNTER',
      '   Total              3.00',
    ];
    expect(vendor(text)).toBe('SANYU STATIONERY SHOP');
  });

  it('strips OCR marks at the edges and never takes a bare legal form for the name', () => {
    expect(vendor(['[LEONG HENG SHELL  SERVICE STATION', 'Company No  :256628-W', 'TOTAL 12.00'])).toBe(
      'LEONG HENG SHELL SERVICE STATION',
    );
    expect(
      vendor([
        '                 KAISON FURNISHING SDN BHD',
        '                   L4-17 (B),  Level 4,',
        '                  Co.  Reg No.  (761834-D:',
        '                 GST Reg No. 001813975040',
        'TOTAL 12.00',
      ]),
    ).toBe('KAISON FURNISHING SDN BHD');
  });

  it('joins a branch in brackets wrapped under the name', () => {
    expect(
      vendor([
        '           PASAR RAYA MEGA MAJU',
        '            (SEMENYIH) SDN BHD',
        '                   (767840-W)',
        'TOTAL 30.45',
      ]),
    ).toBe('PASAR RAYA MEGA MAJU (SEMENYIH) SDN BHD');
  });
});

describe('receipts that hostile or broken OCR produced', () => {
  it('returns no fields for empty text, symbol garbage and punctuation-only lines', () => {
    for (const text of ['', '\n\n\n', '|||| ;;;; ——— ....', '[{(<>)}]'.repeat(500), '— — —\n| | |\n" " "']) {
      const fields = extractInvoiceByRules(text);
      expect(fields.vendorName).toBeUndefined();
      expect(fields.total).toBeUndefined();
      expect(fields.invoiceDate).toBeUndefined();
    }
  });

  it('stays bounded on huge lines of legal forms, brackets and eight-digit runs', () => {
    const lines = [
      `${'SDN BID '.repeat(400)}(139386 X)`,
      '{'.repeat(5000),
      '25032018 '.repeat(2000),
      `Rounding ${'0.01 '.repeat(2000)}`,
      `TAX INVOICE ${'Owned By '.repeat(500)}`,
    ];
    const fields = extractInvoiceByRules(lines.join('\n'));
    expect(fields.vendorName === undefined || fields.vendorName.length <= 300).toBe(true);
    expect(fields.invoiceDate).toBe('2018-03-25');
  });
});

describe('receipt amounts and dates that OCR garbled', () => {
  it('reads `RM` misread as `RH` against the digits', () => {
    const text = [
      'POPULAR BOOK CO. (M) SDN BHD',
      '          SUBTOTAL (QTY   4)       RH41,43',
      '          ROUNDING                  RH0,02',
      '          SUBTOTAL (QIY   4)       RM41.45',
      '          GASH                     RM51,50',
    ].join('\n');
    expect(extractInvoiceByRules(text).total).toBe(41.45);
  });

  it('reads a date whose year OCR glued a mark to, labelled or not', () => {
    expect(extractInvoiceByRules('KEDAI MAJU\nDATE: 15/06/20171\nTOTAL 5.00').invoiceDate).toBe('2017-06-15');
    expect(
      extractInvoiceByRules('KEDAI MAJU\nRECEIPT $: CSPO394921DATE:15/06/20171\nTOTAL 5.00').invoiceDate,
    ).toBe('2017-06-15');
    // Five-digit years and longer runs are no dates.
    expect(extractInvoiceByRules('KEDAI MAJU\nREF 15/06/201712\nTOTAL 5.00').invoiceDate).toBeUndefined();
  });
});
