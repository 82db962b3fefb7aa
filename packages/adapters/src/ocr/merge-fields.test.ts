import { describe, expect, it } from 'vitest';
import { mergeFields } from './merge-fields';

describe('mergeFields', () => {
  it('keeps the surest value per field and concatenates line items', () => {
    const merged = mergeFields([
      {
        provider: 'textract',
        total: 10,
        invoiceNumber: 'A-1',
        confidence: { total: 0.4, invoiceNumber: 0.9 },
        lineItems: [{ description: 'a' }],
      },
      undefined,
      { provider: 'textract', total: 12, confidence: { total: 0.8 }, lineItems: [{ description: 'b' }] },
    ]);
    expect(merged).toEqual({
      provider: 'textract',
      total: 12,
      invoiceNumber: 'A-1',
      confidence: { total: 0.8, invoiceNumber: 0.9 },
      lineItems: [{ description: 'a' }, { description: 'b' }],
    });
  });

  it('returns a single part as it is, and nothing for nothing', () => {
    const only = { provider: 'x', total: 1 };
    expect(mergeFields([undefined, only])).toBe(only);
    expect(mergeFields([undefined])).toBeUndefined();
  });
});
