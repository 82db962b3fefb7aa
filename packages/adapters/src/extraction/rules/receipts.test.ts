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
