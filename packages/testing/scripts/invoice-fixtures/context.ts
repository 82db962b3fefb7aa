import { formatDate, formatMoney, formatNumber } from './format';
import { DEFAULT_LABELS } from './labels';
import { computeTotals, type FixtureSpec, type Labels, type Totals } from './spec';

/** What every layout needs: the spec, its labels and totals, and printers in its locale. */
export interface LayoutContext {
  spec: FixtureSpec;
  labels: Labels;
  totals: Totals;
  money(value: number): string;
  num(value: number): string;
  date(iso: string): string;
  taxLabel(rate: number): string;
}

export function makeContext(spec: FixtureSpec): LayoutContext {
  const labels = { ...DEFAULT_LABELS[spec.lang], ...spec.labels };
  const decimalComma =
    spec.numberStyle === 'de' || spec.numberStyle === 'fr' || spec.numberStyle === 'plain-comma';
  const printRate = (rate: number) => {
    const text = String(rate);
    return decimalComma ? text.replace('.', ',') : text;
  };
  return {
    spec,
    labels,
    totals: computeTotals(spec),
    money: (value) => formatMoney(value, spec.numberStyle, spec.money),
    num: (value) => formatNumber(value, spec.numberStyle),
    date: (iso) => formatDate(iso, spec.dateStyle, spec.lang),
    taxLabel: (rate) => labels.tax.replace('{rate}', printRate(rate)),
  };
}

/** Quantities print without decimals when whole, in the fixture's decimal mark otherwise. */
export function printQuantity(ctx: LayoutContext, quantity: number): string {
  if (Number.isInteger(quantity)) return String(quantity);
  return ctx.num(quantity).replace(/([.,]\d*?)0+$/, '$1');
}
