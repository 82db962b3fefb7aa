import { findCurrencies } from './currency';
import type { LabelOccurrence, ValuePlacement } from './labelled-values';
import { findNumbers, isMoney, roundMoney } from './numbers';

export interface Totals {
  subtotal?: number;
  tax?: number;
  total?: number;
  confidence: { subtotal?: number; tax?: number; total?: number };
}

interface AmountCandidate {
  kind: 'subtotal' | 'tax' | 'total' | 'gross' | 'amountDue';
  label: string;
  value: number;
  /** The label's value holds several amounts: a row of a summary table (`Total: 93.40 5.60`). */
  row: boolean;
  placement: ValuePlacement;
  line: number;
  page: number;
}

/** The money amount a label introduces: the last amount in its value, skipping rates (`19 %`). */
export function amountAfterLabel(text: string): number | undefined {
  // OCR splits thermal-print amounts at the decimal point (`85.  54`, `170. 00`).
  const joined = joinSplitAmounts(text);
  const hasCurrency = findCurrencies(joined).length > 0;
  const amounts = findNumbers(joined).filter((n) => isMoney(n, hasCurrency));
  return amounts.at(-1)?.value;
}

// …and print the currency against the digits (`RM51.50`, misread `RH41,43`), which the number
// reader takes for a word.
const joinSplitAmounts = (text: string) =>
  text
    .replace(/(\d)([.,])\s{1,3}(\d{2})(?![\d.,])/g, '$1$2$3')
    .replace(/(?<![A-Za-z])(RM|RH|Rs\.?)(?=\d)/g, '$1 ');

function amountsIn(text: string): number {
  const joined = joinSplitAmounts(text);
  const hasCurrency = findCurrencies(joined).length > 0;
  return findNumbers(joined).filter((n) => isMoney(n, hasCurrency)).length;
}

/** A tax label naming the sum of all rates (`Total VAT`), which replaces adding up per-rate lines. */
function isTaxTotalLabel(label: string): boolean {
  return /^(total|totaal|totale|montant|importo|cuota)/.test(label);
}

const near = (a: number, b: number) => Math.abs(a - b) <= 0.011;

/** True when `printed` and `wanted` differ in exactly one digit: the signature of an OCR misread. */
function oneDigitOff(printed: number, wanted: number): boolean {
  const a = printed.toFixed(2);
  const b = wanted.toFixed(2);
  if (a.length !== b.length || wanted <= 0) return false;
  let differences = 0;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) differences += 1;
  return differences === 1;
}

/**
 * When nothing adds up, a subtotal or tax one digit away from what the total demands was
 * misread (OCR): it takes the demanded value. The total itself is never rewritten.
 */
function repairMisread(total: number, subtotals: readonly number[], taxes: readonly number[]) {
  for (const subtotal of subtotals) {
    for (const tax of taxes) {
      const wantedSubtotal = roundMoney(total - tax);
      if (oneDigitOff(subtotal, wantedSubtotal))
        return { subtotal: wantedSubtotal, tax, repaired: 'subtotal' };
      const wantedTax = roundMoney(total - subtotal);
      if (oneDigitOff(tax, wantedTax)) return { subtotal, tax: wantedTax, repaired: 'tax' };
    }
  }
  return undefined;
}

function amountCandidates(labels: readonly LabelOccurrence[]): AmountCandidate[] {
  const candidates: AmountCandidate[] = [];
  for (const occurrence of labels) {
    const { kind } = occurrence;
    if (
      kind !== 'subtotal' &&
      kind !== 'tax' &&
      kind !== 'total' &&
      kind !== 'gross' &&
      kind !== 'amountDue'
    ) {
      continue;
    }
    for (const option of occurrence.options) {
      const text = option.placement === 'below' ? option.text : option.lineTail;
      const value = amountAfterLabel(text);
      if (value === undefined) continue;
      candidates.push({
        kind,
        label: occurrence.label,
        value,
        row: amountsIn(text) > 1,
        placement: option.placement,
        line: option.line.index,
        page: option.line.page,
      });
      break;
    }
  }
  return candidates;
}

// Later pages and later lines win: totals close a document, and page subtotals come before them.
const byPosition = (a: AmountCandidate, b: AmountCandidate) => a.page - b.page || a.line - b.line;

// Only total-like labels: with none, the total is derived from subtotal and tax, never taken
// from a tax or subtotal line. A summary-table row ranks below a total printed alone.
const TOTAL_KINDS = new Set(['total', 'gross', 'amountDue']);

function pickTotal(candidates: readonly AmountCandidate[]): AmountCandidate | undefined {
  const rank = (c: AmountCandidate) =>
    c.kind === 'total' ? (c.row ? 2.5 : c.placement === 'below' ? 3 : 4) : c.kind === 'gross' ? 2 : 1;
  const totals = candidates.filter((c) => TOTAL_KINDS.has(c.kind));
  const best = Math.max(0, ...totals.map(rank));
  return totals
    .filter((c) => rank(c) === best)
    .sort(byPosition)
    .at(-1);
}

/** A receipt's rounding line (`Rounding Adj  -0.02`): where it is printed and by how much. */
export interface RoundingAdjustment {
  value: number;
  line: number;
  page: number;
}

/** The last rounding line with an amount, if the document prints one. */
export function roundingAdjustment(labels: readonly LabelOccurrence[]): RoundingAdjustment | undefined {
  let found: RoundingAdjustment | undefined;
  for (const occurrence of labels) {
    if (occurrence.kind !== 'other' || !/^round/.test(occurrence.label)) continue;
    for (const option of occurrence.options) {
      const value = amountAfterLabel(option.placement === 'below' ? option.text : option.lineTail);
      if (value === undefined) continue;
      found = { value, line: occurrence.line.index, page: occurrence.line.page };
      break;
    }
  }
  return found;
}

/**
 * Rounding applies to the amount due alone, so a subtotal-labelled amount printed after the
 * rounding line (`ROUNDING 0.02` / `SUBTOTAL RM41.45`, `Rounding Adj` / `Net Total 189.75`) is
 * that rounded total.
 */
function roundedTotals(
  candidates: AmountCandidate[],
  rounding: RoundingAdjustment | undefined,
): AmountCandidate[] {
  if (!rounding) return candidates;
  return candidates.map((c) =>
    c.kind === 'subtotal' && (c.page > rounding.page || (c.page === rounding.page && c.line > rounding.line))
      ? { ...c, kind: 'total' }
      : c,
  );
}

const TENDERED = new Set(['cash', 'tendered']);
const CHANGE = new Set(['change', 'cash change', 'change due', 'change amt', 'change amount']);

/**
 * The amount a receipt's payment lines say was due: cash tendered less the change given back,
 * when both are printed (`CASH RM51.50` / `CHANGE RM10.05` → 41.45). Undefined otherwise.
 */
export function paidAmount(labels: readonly LabelOccurrence[]): number | undefined {
  const first = (names: (label: string) => boolean) => {
    for (const occurrence of labels) {
      if (occurrence.kind !== 'other' || !names(occurrence.label)) continue;
      for (const option of occurrence.options) {
        const value = amountAfterLabel(option.placement === 'below' ? option.text : option.lineTail);
        if (value !== undefined) return value;
      }
    }
    return undefined;
  };
  const tendered = first((label) => TENDERED.has(label));
  const change = first((label) => CHANGE.has(label));
  if (tendered === undefined || change === undefined || change >= tendered) return undefined;
  return roundMoney(tendered - change);
}

/**
 * Subtotal, tax and total from labelled amounts. The grand total is the last `total` label
 * (`Total`, `Gesamtbetrag`, `Total TTC`), before VAT-table gross and before what is left to pay
 * (`Amount due` differs from the total after a deposit). On a receipt, the printed amount that
 * equals cash tendered less change is the total. Several tax lines (one per rate) add
 * up unless a tax total is printed. A consistent subtotal + tax = total raises all three
 * confidences; a subtotal or tax one digit off what the total demands is an OCR misread and
 * is corrected; a missing one is derived from the other two with low confidence.
 *
 * @example
 * // labels from 'Subtotal $10.00 / Tax $1.00 / Total $11.00'
 * pickTotals(labels) // { subtotal: 10, tax: 1, total: 11, confidence: { ... 0.97 } }
 */
export function pickTotals(labels: readonly LabelOccurrence[]): Totals {
  const rounding = roundingAdjustment(labels);
  const candidates = roundedTotals(amountCandidates(labels), rounding);
  let totalCandidate = pickTotal(candidates);

  const taxCandidates = candidates.filter((c) => c.kind === 'tax');
  const printedTaxTotal = taxCandidates.filter((c) => isTaxTotalLabel(c.label));
  const inlineTaxes = taxCandidates.filter((c) => c.placement !== 'below');
  const taxOptions: number[] = [];
  if (printedTaxTotal.length > 0) taxOptions.push(printedTaxTotal.at(-1)?.value ?? 0);
  if (inlineTaxes.length > 1) {
    const perLine = new Map(inlineTaxes.map((c) => [c.line, c.value]));
    taxOptions.push(roundMoney([...perLine.values()].reduce((sum, v) => sum + v, 0)));
  }
  for (const c of [...taxCandidates].reverse()) taxOptions.push(c.value);

  const subtotalOptions = candidates
    .filter((c) => c.kind === 'subtotal')
    .sort(byPosition)
    .reverse()
    .map((c) => c.value);

  // Arithmetic cross-check: a printed total that the subtotal and tax add up to beats a
  // higher-ranked one they do not (a `Total` label on a net or tax line, an OCR-split amount).
  // With no tax label read, a tax printed under a total label (`VAT` / `total: 75.04`) is tried.
  const taxLike =
    taxOptions.length > 0 ? taxOptions : candidates.filter((c) => c.kind !== 'subtotal').map((c) => c.value);
  const addsUp = (value: number) =>
    subtotalOptions.some((subtotal) => taxLike.some((tax) => near(roundMoney(subtotal + tax), value)));
  if (totalCandidate && !addsUp(totalCandidate.value)) {
    const checked = candidates
      .filter((c) => c.kind !== 'subtotal' && c.kind !== 'tax' && addsUp(c.value))
      .sort(byPosition)
      .at(-1);
    if (checked) totalCandidate = checked;
  }
  // Receipts print what was handed over and the change: their difference is what was due.
  const paid = paidAmount(labels);
  if (paid !== undefined && !(totalCandidate && near(totalCandidate.value, paid))) {
    const confirmed = candidates
      .filter((c) => near(c.value, paid))
      .sort(byPosition)
      .at(-1);
    if (confirmed) totalCandidate = confirmed;
  }
  // A total printed before the rounding line, and a payment that differs from it by exactly
  // that rounding: what was due is the rounded amount (`31.47`, `Rounding -0.02`, paid 31.45).
  const roundedByPayment =
    paid !== undefined &&
    totalCandidate !== undefined &&
    rounding !== undefined &&
    !near(rounding.value, 0) &&
    !near(totalCandidate.value, paid) &&
    near(Math.abs(totalCandidate.value - paid), Math.abs(rounding.value));
  // No total read at all (OCR lost its line): the payment lines still tell it, less surely.
  const derivedFromPayment = totalCandidate === undefined || roundedByPayment ? paid : undefined;
  const total = derivedFromPayment ?? totalCandidate?.value;

  const confidence: Totals['confidence'] = {};
  const base = (c: AmountCandidate | undefined) => (c?.placement === 'below' ? 0.75 : 0.85);
  // Prefer the combination that adds up.
  if (total !== undefined) {
    for (const subtotal of subtotalOptions) {
      for (const tax of taxOptions) {
        if (near(roundMoney(subtotal + tax), total)) {
          return { subtotal, tax, total, confidence: { subtotal: 0.97, tax: 0.97, total: 0.97 } };
        }
      }
    }
  }
  const repair = total !== undefined ? repairMisread(total, subtotalOptions, taxOptions) : undefined;
  if (total !== undefined && repair) {
    const { subtotal, tax } = repair;
    const sure = { subtotal: 0.85, tax: 0.85, total: 0.9 };
    return { subtotal, tax, total, confidence: { ...sure, [repair.repaired]: 0.6 } };
  }
  let subtotal = subtotalOptions[0];
  let tax = taxOptions[0];
  let finalTotal = total;
  if (subtotal !== undefined) confidence.subtotal = 0.8;
  if (tax !== undefined) confidence.tax = 0.8;
  if (finalTotal !== undefined)
    confidence.total = derivedFromPayment === undefined ? base(totalCandidate) : roundedByPayment ? 0.8 : 0.6;
  if (finalTotal === undefined && subtotal !== undefined && tax !== undefined) {
    finalTotal = roundMoney(subtotal + tax);
    confidence.total = 0.6;
  } else if (
    finalTotal !== undefined &&
    subtotal !== undefined &&
    tax === undefined &&
    finalTotal >= subtotal
  ) {
    tax = roundMoney(finalTotal - subtotal);
    confidence.tax = 0.5;
  } else if (finalTotal !== undefined && tax !== undefined && subtotal === undefined && finalTotal > tax) {
    subtotal = roundMoney(finalTotal - tax);
    confidence.subtotal = 0.5;
  }
  const result: Totals = { confidence };
  if (subtotal !== undefined) result.subtotal = subtotal;
  if (tax !== undefined) result.tax = tax;
  if (finalTotal !== undefined) result.total = finalTotal;
  return result;
}
