import { describe, expect, it } from 'vitest';
import { accuracyOf, loadInvoiceFixtures, scoreInvoice } from './accuracy';
import { createRulesExtractor } from './index';
import { findVatIds } from './tax-ids';

const extractor = createRulesExtractor();

describe('rules extractor', () => {
  it('reads at least 90% of the fields of every fixture layout from its page text', async () => {
    const fixtures = await loadInvoiceFixtures();
    expect(new Set(fixtures.map((f) => f.lang)).size).toBeGreaterThanOrEqual(4);
    const scores = await Promise.all(
      fixtures.map(async (f) => scoreInvoice(f.expected, await extractor.extract({ text: f.text }))),
    );
    expect(accuracyOf(scores).accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('corrects a subtotal OCR misread by one digit from the total and the tax', async () => {
    const text = [
      'Volkoren brood            3,45',
      'TOTAAL               € 13,85',
      'BTW %   Excl.    BTW    Bruto',
      '9%      32,71    1,14   13,85',
    ].join('\n');
    const fields = await extractor.extract({ text });
    expect(fields).toMatchObject({ total: 13.85, tax: 1.14, subtotal: 12.71 });
    expect(fields.confidence.subtotal).toBeLessThan(fields.confidence.total ?? 0);
  });

  it('leaves amounts that disagree by more than one digit as printed', async () => {
    const text = ['Subtotal      $50.00', 'Tax            $1.00', 'Total         $71.50'].join('\n');
    const fields = await extractor.extract({ text });
    expect(fields).toMatchObject({ total: 71.5, subtotal: 50, tax: 1 });
  });
});

describe('findVatIds', () => {
  it('repairs a country prefix OCR read with a digit for a letter', () => {
    expect(findVatIds('P.IVA: 1T09182736455')[0]).toMatchObject({ taxId: 'IT09182736455', repaired: true });
    expect(findVatIds('USt-IdNr.: DE263158408')[0]).toMatchObject({ taxId: 'DE263158408' });
    expect(findVatIds('USt-IdNr.: DE263158408')[0]?.repaired).toBeUndefined();
  });

  it('does not turn plain numbers or unknown prefixes into VAT ids', () => {
    expect(findVatIds('Order 10 2026 11 03 1234')).toEqual([]);
    expect(findVatIds('1X09182736455')).toEqual([]);
    expect(findVatIds('1T0918')).toEqual([]);
  });
});
