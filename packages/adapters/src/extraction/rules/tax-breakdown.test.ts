import { describe, expect, it } from 'vitest';
import { extractInvoiceByRules } from './extract-invoice';
import { readTaxBreakdown, taxMatches } from './tax-breakdown';
import { toTextLines } from './text-lines';

const taxesOf = (lines: string[]) => extractInvoiceByRules(lines.join('\n')).taxes;

describe('tax breakdown per rate', () => {
  it('reads a German breakdown table whose rows print the rate as a bare number', () => {
    expect(
      taxesOf([
        'Umsatzsteueraufschlüsselung',
        'Art (Kategorie)        Warenwert   Zu-/Abschlag   Basisbetrag   Steuersatz [%]   Steuerbetrag',
        'Umsatzsteuer ( )S                     275,00          7            19,25',
        'Umsatzsteuer ( )S                     198,00         19            37,62',
        'Rechnungssumme ohne USt.             473,00',
        'Steuerbetrag                          56,87',
        'Bruttosumme                          529,87',
      ]),
    ).toEqual([
      { rate: 7, base: 275, amount: 19.25 },
      { rate: 19, base: 198, amount: 37.62 },
    ]);
  });

  it('reads French, Spanish and English tax lines with a rate', () => {
    expect(
      taxesOf([
        'Total HT                          624,90 €',
        'TVA collectée (vente) 20,0%        81,90 €          16,38 €',
        'TVA collectée (vente) 5,5%        543,00 €          29,87 €',
        'Total TTC                         671,15 €',
      ]),
    ).toEqual([
      { rate: 20, base: 81.9, amount: 16.38 },
      { rate: 5.5, base: 543, amount: 29.87 },
    ]);
    // AFIP invoices list every rate; only the one charged counts.
    expect(
      taxesOf([
        'Importe Neto Gravado: $ 188636,36',
        'IVA 27%: $   0,00',
        'IVA 21%: $  39613,64',
        'IVA 0%: $ 0,00',
        'Importe Total: $ 228250,00',
      ]),
    ).toEqual([{ rate: 21, amount: 39613.64 }]);
    expect(taxesOf(['Subtotal   87,39 €', 'USt. (19 %)   16,61 €', 'Gesamt   104,00 €'])).toEqual([
      { rate: 19, amount: 16.61 },
    ]);
  });

  it('reads rows under a header naming the tax, and sums one rate printed twice', () => {
    expect(
      taxesOf([
        'VAT                Net amount          VAT amount',
        '7%                 160.00 €             11.20 €',
        '19%                336.00 €             63.84 €',
        'VAT total: 75.04 €',
      ]),
    ).toEqual([
      { rate: 7, base: 160, amount: 11.2 },
      { rate: 19, base: 336, amount: 63.84 },
    ]);
    expect(
      readTaxBreakdown(toTextLines('VAT 20 %   10.00   2.00\nVAT 20 %   5.00   1.00'), { tax: 3 }),
    ).toEqual([{ rate: 20, base: 15, amount: 3 }]);
  });

  it('gives a rate printed alone the tax total', () => {
    expect(
      taxesOf(['SUBTOTAL   1,436.00', 'TAX RATE   7.00%', 'SALES TAX   100.52', 'TOTAL   1,536.52']),
    ).toEqual([{ rate: 7, amount: 100.52 }]);
  });

  it('ignores item rows, allowances and breakdowns that contradict the totals', () => {
    // An item row's quantity and amount are not a base and its tax.
    expect(
      taxesOf([
        'Screw      45.00 Units     0.20 TVA 20%      9.00 €',
        'Untaxed Amount      45.00 €',
        'TVA 20%     9.00 €',
        'Total       54.00 €',
      ]),
    ).toEqual([{ rate: 20, amount: 9 }]);
    expect(
      taxesOf([
        'Abschlag Sondernachlass    10,00    19 % UST S( )    -1,00',
        'Ökosteuer  0,0205  10000 KWH  19 %  20,50',
      ]),
    ).toEqual([]);
    expect(
      taxesOf([
        'Net  100,00 €',
        'MwSt 19 %   19,00 €',
        'MwSt 7 %   7,00 €',
        'MwSt   19,00 €',
        'Gesamt 119,00 €',
      ]),
    ).toEqual([]);
  });

  it('checks base × rate to the cent, with the slack of a rounded rate', () => {
    expect(taxMatches(16.9, 7, 1.18)).toBe(true);
    expect(taxMatches(1000, 16.34, 163.4)).toBe(true);
    expect(taxMatches(198, 19, 37.72)).toBe(false);
  });

  it('keeps at most 50 rates, so hostile text cannot make the fields invalid', () => {
    const lines = Array.from(
      { length: 300 },
      (_, i) => `VAT ${(i / 10).toFixed(1)} %   1000.00   ${i.toFixed(2)}`,
    );
    expect(readTaxBreakdown(toTextLines(lines.join('\n')))).toHaveLength(50);
    expect(() => extractInvoiceByRules(lines.join('\n'))).not.toThrow();
  });
});
