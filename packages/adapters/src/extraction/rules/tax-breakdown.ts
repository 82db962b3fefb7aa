import type { TaxLine } from '@paperlane/core';
import { findCurrencies } from './currency';
import { foldText } from './fold-text';
import { findNumbers, isMoney, type NumberMatch, roundMoney } from './numbers';
import type { TextLine } from './text-lines';

// Names of value-added and sales taxes across the languages we read. `steuer` alone only as a
// word, so `Ökosteuer` (an excise duty in an item line) is not a tax line.
const TAX_WORD =
  /\b(mwst|mw\.?st|ust|umsatzsteuer|mehrwertsteuer|versicherungssteuer|steuer|vat|tva|iva|btw|gst|hst|sst|tax|taxe|igv|ptu|moms|alv|dph|dds)\b/;
// Lines about an allowance, a charge or a discount name the rate of the tax they fall under,
// not a tax: `Abschlag Sondernachlass 10,00 19 % UST -1,00`.
const NOT_A_TAX_LINE =
  /\b(rabatt|abschlag|zuschlag|nachlass|skonto|discount|rebate|remise|bonif\w*|descuento|sconto|korting|fracht\w*|transport\w*|versand\w*|shipping|frais de port|total|gesamt|summe|totale?)\b/;
// A line giving the net amount a rate applies to (`Montant hors TVA soumis à une TVA à 20 %`).
const BASE_LINE = /\b(hors|excl\w*|net|netto|ohne|base|basis\w*|taxable|imponible|soumis)\b/;

// Rates above this are not value-added or sales taxes anywhere (the highest standard rate is 27 %).
const MAX_RATE = 30;
const MAX_RATES = 50;

/**
 * Whether `amount` is the tax `rate` % of `base` yields: to the cent, with a cent either way for
 * amounts rounded per line and a rate printed rounded (`16,34 %`).
 */
export function taxMatches(base: number, rate: number, amount: number): boolean {
  const expected = (base * rate) / 100;
  const slack = 0.011 + Math.abs(base) * 0.00005;
  return Math.abs(expected - amount) <= slack;
}

interface Candidate extends TaxLine {
  /** The base alone was printed on this line (a `hors TVA … 20 %` line). */
  baseOnly?: boolean;
}

const isRateValue = (n: NumberMatch) =>
  n.value >= 0 &&
  n.value <= MAX_RATE &&
  n.decimals <= 3 &&
  !(n.decimals === 2 && !n.percent && n.value === 0);

/** The tax this line prints for one rate, or undefined when it is not such a line. */
function readTaxLine(line: TextLine, inTaxTable: boolean): Candidate | undefined {
  const folded = foldText(line.raw);
  const named = TAX_WORD.test(folded);
  if ((!named && !inTaxTable) || NOT_A_TAX_LINE.test(folded)) return undefined;
  const numbers = findNumbers(line.raw.replace(/(\d)([.,])\s{1,3}(\d{2})(?![\d.,])/g, '$1$2$3'));
  const hasCurrency = findCurrencies(line.raw).length > 0;
  const percents = numbers.filter((n) => n.percent && isRateValue(n));
  // One rate per line: a line naming two rates is a sentence or a table header, not a row.
  if (percents.length > 1) return undefined;
  const money = numbers.filter((n) => isMoney(n, hasCurrency) && n !== percents[0]);
  if (percents[0]) {
    const rate = percents[0].value;
    const amounts = money.map((n) => n.value);
    // Base and tax both printed, side by side: the pair the rate turns one into the other. Only
    // neighbours, so an item row's quantity and amount (`45.00 Units 0.20 TVA 20% 9.00`) are not
    // taken for a base and its tax.
    for (let i = 0; i + 1 < amounts.length; i += 1) {
      const [base, amount] = [amounts[i]!, amounts[i + 1]!];
      if (taxMatches(base, rate, amount)) return { rate, base, amount };
    }
    // A row of a breakdown table under a header naming the tax must show that pair.
    if (!named) return undefined;
    if (amounts.length === 1) {
      const value = amounts[0]!;
      return BASE_LINE.test(folded)
        ? { rate, base: value, amount: 0, baseOnly: true }
        : { rate, amount: value };
    }
    // A rate printed alone (`TAX RATE 7.00%`): the amount is the tax total, found elsewhere.
    return amounts.length === 0 ? { rate, amount: Number.NaN } : undefined;
  }
  // A breakdown table row prints the rate as a bare number between base and tax
  // (`Umsatzsteuer (S)   275,00   7   19,25`): only arithmetic tells it from the amounts.
  for (const [k, rate] of numbers.entries()) {
    if (!isRateValue(rate) || rate.decimals > 2 || rate.percent) continue;
    const before = numbers.slice(0, k).filter((n) => isMoney(n, hasCurrency));
    const after = numbers.slice(k + 1).filter((n) => isMoney(n, hasCurrency));
    const base = before.at(-1);
    const amount = after[0];
    if (base && amount && rate.decimals === 0 && taxMatches(base.value, rate.value, amount.value)) {
      return { rate: rate.value, base: base.value, amount: amount.value };
    }
  }
  return undefined;
}

const sameLine = (a: TaxLine, b: TaxLine) =>
  a.rate === b.rate && Math.abs(a.amount - b.amount) <= 0.001 && (a.base ?? b.base) === (b.base ?? a.base);

/**
 * The tax per rate a document prints: VAT / MwSt / USt / TVA / IVA / BTW / GST lines that name a
 * rate (`USt. (19 %) 16,61 €`, `TVA 5,5 % 543,00 € 29,87 €`, `IVA 21%: $ 103201,45`), and rows of
 * a breakdown table where the rate is a bare number between base and tax, kept only when base ×
 * rate gives the tax. Repeated blocks (a copy for the customer on the next page) count once;
 * rates printed with nothing charged (`IVA 27%: $ 0,00`) are left out. With `taxTotal` known, a
 * lone rate without an amount takes it, and a breakdown that does not add up to it is dropped.
 *
 * @example
 * readTaxBreakdown(toTextLines('USt 19 %  198,00  37,62\nUSt 7 %  275,00  19,25'), { tax: 56.87 })
 * // [{ rate: 19, base: 198, amount: 37.62 }, { rate: 7, base: 275, amount: 19.25 }]
 */
export function readTaxBreakdown(lines: readonly TextLine[], totals: TaxTotals = {}): TaxLine[] {
  const taxTotal = totals.tax;
  const found: Candidate[] = [];
  // After a header line naming the tax (`VAT  Net amount  VAT amount`), rows need not repeat it.
  let inTaxTable = false;
  for (const line of lines) {
    const candidate = readTaxLine(line, inTaxTable);
    if (candidate) found.push(candidate);
    else if (line.segments.length > 0 && findNumbers(line.raw).length === 0) {
      // Rows of other kinds (a reverse-charge row printing `-*` for the rate) do not end the table.
      inTaxTable = TAX_WORD.test(foldText(line.raw));
    }
  }
  const taxes: TaxLine[] = [];
  const bases = found.filter((c) => c.baseOnly);
  for (const candidate of found) {
    if (candidate.baseOnly) continue;
    const entry: TaxLine = { rate: candidate.rate, amount: candidate.amount };
    if (candidate.base !== undefined) entry.base = candidate.base;
    else {
      // A base printed on its own line for the same rate, when the arithmetic confirms it.
      const base = bases.find(
        (b) =>
          b.rate === entry.rate && Number.isFinite(entry.amount) && taxMatches(b.base!, b.rate, entry.amount),
      );
      if (base?.base !== undefined) entry.base = base.base;
    }
    if (taxes.some((t) => sameLine(t, entry))) continue;
    // Different amounts at one rate (rows of an item table, sections of a bill) add up.
    const sameRate = taxes.find((t) => t.rate === entry.rate);
    if (sameRate && Number.isFinite(entry.amount) && Number.isFinite(sameRate.amount)) {
      sameRate.amount = roundMoney(sameRate.amount + entry.amount);
      if (sameRate.base !== undefined && entry.base !== undefined) {
        sameRate.base = roundMoney(sameRate.base + entry.base);
      } else delete sameRate.base;
      continue;
    }
    taxes.push(entry);
  }
  // The schema's bound: no invoice prints more rates, and hostile text must not make the fields invalid.
  const charged = taxes.filter((t) => !(t.amount === 0 && !t.base)).slice(0, MAX_RATES);
  const lone = charged.filter((t) => Number.isNaN(t.amount));
  if (lone.length > 0) {
    const priced = charged.filter((t) => !Number.isNaN(t.amount));
    // One rate printed without an amount is the whole tax when nothing else was charged.
    if (lone.length === 1 && priced.length === 0 && taxTotal !== undefined && taxTotal > 0) {
      return [{ ...lone[0]!, amount: taxTotal }];
    }
    return taxTotal === undefined ? [] : checked(priced, totals);
  }
  return checked(charged, totals);
}

/** The document's amounts a breakdown is checked against. */
export interface TaxTotals {
  subtotal?: number | undefined;
  tax?: number | undefined;
  total?: number | undefined;
}

/**
 * A breakdown must add up to the tax total, or (when that total was misread) make the net up
 * to the gross; one that contradicts both is a misreading, and none is better than a wrong one.
 */
function checked(taxes: TaxLine[], totals: TaxTotals): TaxLine[] {
  if (taxes.length === 0) return taxes;
  const { subtotal, tax, total } = totals;
  if (tax === undefined && (subtotal === undefined || total === undefined)) return taxes;
  const sum = roundMoney(taxes.reduce((acc, t) => acc + t.amount, 0));
  const slack = 0.011 * taxes.length;
  if (tax !== undefined && Math.abs(sum - tax) <= slack) return taxes;
  if (subtotal !== undefined && total !== undefined && Math.abs(subtotal + sum - total) <= slack)
    return taxes;
  return [];
}
