import { type DateOrder, findDates } from './dates';
import { isValidIban } from './iban';
import type { LabelOccurrence } from './labelled-values';
import { findVatIds } from './tax-ids';

export interface Found<T> {
  value: T;
  confidence: number;
}

// Labels that say only "date": they name the invoice date on most invoices, but less surely.
const GENERIC_DATE_LABELS = new Set(['date', 'datum', 'data', 'fecha', 'issued']);

const placementWeight = { inline: 1, next: 1, below: 0.92 } as const;

/**
 * A token that can be an invoice number: starts with a letter or digit, contains a digit, is not
 * a date, an IBAN or a VAT id, and is at most 40 characters.
 */
export function invoiceNumberToken(text: string): string | undefined {
  const token = /^[\p{L}\d][\p{L}\d\-/._#]{0,63}/u.exec(text.trim())?.[0]?.replace(/[-/._#]+$/, '');
  if (!token || token.length > 40 || !/\d/.test(token)) return undefined;
  const date = findDates(token, 'DMY')[0];
  if (date && date.start === 0 && date.end === token.length) return undefined;
  if (isValidIban(token.toUpperCase())) return undefined;
  const vat = findVatIds(token)[0];
  if (vat && vat.start === 0 && vat.end === token.length) return undefined;
  return token;
}

/**
 * The invoice number: after a number label (`Invoice #`, `Rechnungsnummer`, `N° de facture`,
 * `Bon-Nr.`), else after the document title (`Invoice 10234`, `RECHNUNG RE-2026-1103`).
 */
export function pickInvoiceNumber(labels: readonly LabelOccurrence[]): Found<string> | undefined {
  let best: Found<string> | undefined;
  for (const occurrence of labels) {
    if (occurrence.kind !== 'invoiceNumber' && occurrence.kind !== 'title') continue;
    const options = occurrence.kind === 'title' ? occurrence.options.slice(0, 1) : occurrence.options;
    for (const option of options) {
      if (occurrence.kind === 'title' && option.placement !== 'inline') break;
      const token = invoiceNumberToken(option.text);
      if (!token) continue;
      const confidence = (occurrence.kind === 'title' ? 0.75 : 0.9) * placementWeight[option.placement];
      if (!best || confidence > best.confidence) best = { value: token, confidence };
      break;
    }
  }
  return best;
}

/**
 * The invoice and due dates from their labels. Specific labels (`Invoice date`, `Rechnungsdatum`)
 * beat generic ones (`Date`, `Datum`); the first of equal strength wins. Without any labelled
 * invoice date the first date in the document that no other label claims is taken, unsure.
 */
export function pickDates(
  labels: readonly LabelOccurrence[],
  order: DateOrder,
  fallbackText: string,
): { invoiceDate?: Found<string>; dueDate?: Found<string> } {
  const result: { invoiceDate?: Found<string>; dueDate?: Found<string> } = {};
  for (const occurrence of labels) {
    if (occurrence.kind !== 'invoiceDate' && occurrence.kind !== 'dueDate') continue;
    for (const option of occurrence.options) {
      const date = findDates(option.text, order)[0];
      if (!date || date.start > 3) continue;
      const specific = occurrence.kind === 'dueDate' || !GENERIC_DATE_LABELS.has(occurrence.label);
      const confidence =
        (specific ? 0.9 : 0.8) * placementWeight[option.placement] * (date.ambiguous ? 0.9 : 1);
      const current = result[occurrence.kind];
      if (!current || confidence > current.confidence)
        result[occurrence.kind] = { value: date.iso, confidence };
      break;
    }
  }
  if (!result.invoiceDate) {
    const claimed = new Set(result.dueDate ? [result.dueDate.value] : []);
    const first = findDates(fallbackText, order).find((d) => !claimed.has(d.iso));
    if (first) result.invoiceDate = { value: first.iso, confidence: 0.4 };
  }
  return result;
}
