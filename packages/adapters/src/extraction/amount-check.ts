import type { InvoiceFields, TaxLine } from '@paperlane/core';
import { taxMatches } from './rules/tax-breakdown';

/** How an extraction's amounts agree with each other. */
export type AmountCheck = 'consistent' | 'inconsistent' | 'unchecked';

// A cent each way: amounts printed rounded to cents may differ by one in their last digit.
const near = (a: number, b: number) => Math.abs(a - b) <= 0.011;
const cents = (value: number) => Math.round(value * 100) / 100;

/**
 * Whether an extraction's amounts add up: subtotal + tax = total when all three are given, and
 * the line items' amounts sum to the subtotal, the total or the total less tax when every line
 * has an amount, and a tax breakdown's amounts sum to the tax total, each base × rate giving its
 * amount (to the cent). `unchecked` when nothing can be compared. A model's
 * answer that fails this is not trusted for its amounts (see the fallback extractor).
 *
 * @example
 * checkAmounts({ subtotal: 100, tax: 19, total: 119, lineItems: [], confidence: {}, provider: 'x' }) // 'consistent'
 * checkAmounts({ subtotal: 100, tax: 19, total: 191, lineItems: [], confidence: {}, provider: 'x' }) // 'inconsistent'
 */
export function checkAmounts(
  fields: Pick<InvoiceFields, 'subtotal' | 'tax' | 'total' | 'lineItems'> & { taxes?: readonly TaxLine[] },
): AmountCheck {
  const { subtotal, tax, total } = fields;
  let checked = false;
  const taxes = fields.taxes ?? [];
  if (taxes.length > 0) {
    for (const line of taxes) {
      if (line.base !== undefined && !taxMatches(line.base, line.rate, line.amount)) return 'inconsistent';
    }
    if (tax !== undefined) {
      const sum = cents(taxes.reduce((acc, line) => acc + line.amount, 0));
      // Each rate's amount is rounded on its own: a cent of slack per rate.
      if (Math.abs(sum - tax) > 0.011 * taxes.length) return 'inconsistent';
    }
    checked = true;
  }
  if (subtotal !== undefined && tax !== undefined && total !== undefined) {
    if (!near(cents(subtotal + tax), total)) return 'inconsistent';
    checked = true;
  }
  const amounts = fields.lineItems.map((item) => item.amount);
  if (amounts.length > 0 && amounts.every((amount) => amount !== undefined)) {
    const sum = cents(amounts.reduce<number>((acc, amount) => acc + (amount ?? 0), 0));
    // Lines are printed net or gross: either the subtotal, the total or the total less tax.
    const targets = [
      subtotal,
      total,
      total !== undefined && tax !== undefined ? cents(total - tax) : undefined,
    ].filter((value): value is number => value !== undefined);
    if (targets.length > 0) {
      // Line sums miss discounts, shipping and rounding lines often enough that only a sum that
      // matches no target at all counts against the answer.
      if (!targets.some((target) => near(sum, target))) return 'inconsistent';
      checked = true;
    }
  }
  return checked ? 'consistent' : 'unchecked';
}
