import { describe, expect, it } from 'vitest';
import { checkAmounts } from './amount-check';

const fields = (
  amounts: { subtotal?: number; tax?: number; total?: number },
  lines: (number | undefined)[] = [],
) => ({
  ...amounts,
  lineItems: lines.map((amount, i) => ({
    description: `line ${i + 1}`,
    ...(amount === undefined ? {} : { amount }),
  })),
});

describe('checkAmounts', () => {
  it('accepts subtotal + tax = total within a cent', () => {
    expect(checkAmounts(fields({ subtotal: 86.94, tax: 18.26, total: 105.2 }))).toBe('consistent');
    expect(checkAmounts(fields({ subtotal: 33.33, tax: 6.33, total: 39.67 }))).toBe('consistent');
  });

  it('rejects a total the subtotal and tax do not make', () => {
    expect(checkAmounts(fields({ subtotal: 119516.53, tax: 25098.47, total: 144651 }))).toBe('inconsistent');
  });

  it('checks line sums against the subtotal, the total or the net of the total', () => {
    expect(checkAmounts(fields({ subtotal: 119516.53 }, [86942.15, 32574.38]))).toBe('consistent');
    expect(checkAmounts(fields({ total: 17000, tax: 2950.41 }, [14049.59]))).toBe('consistent');
    expect(checkAmounts(fields({ total: 240 }, [100, 100]))).toBe('inconsistent');
  });

  it('is unchecked when nothing can be compared', () => {
    expect(checkAmounts(fields({ total: 240 }))).toBe('unchecked');
    // A line without an amount makes the sum meaningless.
    expect(checkAmounts(fields({ total: 240 }, [100, undefined]))).toBe('unchecked');
  });

  it('checks a tax breakdown against the tax total and each base × rate', () => {
    const breakdown = (taxes: { rate: number; base?: number; amount: number }[], tax?: number) => ({
      ...fields(tax === undefined ? {} : { tax }),
      taxes,
    });
    const twoRates = [
      { rate: 7, base: 275, amount: 19.25 },
      { rate: 19, base: 198, amount: 37.62 },
    ];
    expect(checkAmounts(breakdown(twoRates, 56.87))).toBe('consistent');
    expect(checkAmounts(breakdown(twoRates))).toBe('consistent');
    // The rates do not add up to the tax total.
    expect(checkAmounts(breakdown(twoRates, 65.87))).toBe('inconsistent');
    // 19 % of 198 is 37.62, not 73.62.
    expect(checkAmounts(breakdown([{ rate: 19, base: 198, amount: 73.62 }]))).toBe('inconsistent');
    // A rate printed without its base is checked by the sum alone.
    expect(checkAmounts(breakdown([{ rate: 21, amount: 39613.64 }], 39613.64))).toBe('consistent');
  });
});
