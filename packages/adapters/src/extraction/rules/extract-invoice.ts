import type { InvoiceFieldName, InvoiceFields, OcrPage } from '@paperlane/core';
import { currencyOfCountry, dollarSignCurrency, findCurrencies } from './currency';
import { detectDateOrder } from './dates';
import { type Found, pickDates, pickInvoiceNumber } from './header-fields';
import { findLabels, joinSpacedLabels, type LabelOccurrence } from './labelled-values';
import { itemTableHeader, type LineItem, readItemTable, readReceiptItems } from './line-items';
import { findNumbers } from './numbers';
import { labelledVendorName, pickIban, pickVendorName, pickVendorTaxId, recipientBlocks } from './parties';
import { readTaxBreakdown } from './tax-breakdown';
import { MAX_LINES, type TextLine, toTextLines } from './text-lines';
import { pickTotals } from './totals';

/** The rules extractor's result before provider fields are merged in. */
export type RulesFields = Omit<InvoiceFields, 'provider'>;

/**
 * Builds the document's lines: from the pages when they carry text (so page 1 holds the
 * letterhead and the last page the totals), else from the whole text as one page.
 */
export function documentLines(text: string, pages?: readonly OcrPage[]): TextLine[] {
  const usable = (pages ?? []).filter((page) => page.text.trim().length > 0);
  if (usable.length === 0) return toTextLines(text);
  const lines: TextLine[] = [];
  for (const [index, page] of [...usable].sort((a, b) => a.pageNumber - b.pageNumber).entries()) {
    if (lines.length >= MAX_LINES) break;
    lines.push(...toTextLines(page.text, index + 1, lines.length).slice(0, MAX_LINES - lines.length));
  }
  return lines;
}

/** The document currency: the most printed one, amounts' own symbols counting double. */
function pickCurrency(lines: readonly TextLine[]): Found<string> | undefined {
  const counts = new Map<string, number>();
  let dollar: string | undefined;
  const dollarCode = () => {
    dollar ??= dollarSignCurrency(lines.map((line) => line.raw).join('\n'));
    return dollar;
  };
  for (const line of lines) {
    for (const segment of line.segments) {
      const mentions = findCurrencies(segment.text);
      if (mentions.length === 0) continue;
      const weight = findNumbers(segment.text).some((n) => n.decimals === 2) ? 2 : 1;
      for (const mention of mentions) {
        const code = mention.token === '$' ? dollarCode() : mention.code;
        counts.set(code, (counts.get(code) ?? 0) + weight);
      }
    }
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first) return undefined;
  const share = first[1] / ranked.reduce((sum, [, n]) => sum + n, 0);
  return { value: first[0], confidence: second && second[1] === first[1] ? 0.5 : 0.6 + 0.35 * share };
}

/** Lines between a receipt's header fields and its total: where untabled items are listed. */
function receiptBody(lines: readonly TextLine[], labels: readonly LabelOccurrence[]): TextLine[] {
  const totalLine = labels.find((l) => l.kind === 'total' || l.kind === 'amountDue' || l.kind === 'gross');
  if (!totalLine) return [];
  const headerKinds = new Set([
    'invoiceNumber',
    'title',
    'invoiceDate',
    'dueDate',
    'vendorTaxId',
    'tax',
    'iban',
  ]);
  let start = 0;
  for (const label of labels) {
    if (label.line.index >= totalLine.line.index) break;
    if (headerKinds.has(label.kind)) start = label.line.index + 1;
  }
  return lines.filter(
    (line) => line.index >= start && line.index < totalLine.line.index && line.page === totalLine.line.page,
  );
}

function readLineItems(
  lines: readonly TextLine[],
  headerPositions: readonly number[],
  labels: readonly LabelOccurrence[],
): LineItem[] {
  const items: LineItem[] = [];
  for (const position of headerPositions) items.push(...readItemTable(lines, position));
  if (items.length > 0 || headerPositions.length > 0) return items.slice(0, 500);
  return readReceiptItems(receiptBody(lines, labels)).slice(0, 500);
}

/**
 * Extracts invoice fields from document text with layout-aware rules, no templates and no
 * network. Pure: the same text always gives the same fields.
 *
 * @example
 * extractInvoiceByRules('ACME Ltd\nInvoice #: 42\nTotal   £12.00').total // 12
 */
export function extractInvoiceByRules(text: string, pages?: readonly OcrPage[]): RulesFields {
  const lines = joinSpacedLabels(documentLines(text, pages));
  const headerPositions: number[] = [];
  lines.forEach((line, position) => {
    if (itemTableHeader(line)) headerPositions.push(position);
  });
  const headerLines = new Set(headerPositions.map((p) => lines[p]?.index ?? -1));
  const labels = findLabels(lines, headerLines);
  const firstTable =
    headerPositions[0] !== undefined ? (lines[headerPositions[0]]?.index ?? lines.length) : lines.length;
  const blocks = recipientBlocks(labels, firstTable);

  const found: Partial<Record<InvoiceFieldName, Found<string> | Found<number>>> = {};
  const currency = pickCurrency(lines);
  const vendorTaxId = pickVendorTaxId(lines, labels, blocks);
  const iban = pickIban(lines, blocks);
  if (currency) found.currency = currency;
  else {
    const country = vendorTaxId?.value.match(/^[A-Z]{2,3}/)?.[0] ?? iban?.value.slice(0, 2);
    const fromCountry = country ? currencyOfCountry(country) : undefined;
    // Amounts without a sign, the currency named in words (`SON PESOS: DIECISIETE MIL`).
    const pesos = /\bpesos\b/i.test(text) ? dollarSignCurrency(text.slice(0, 200_000)) : undefined;
    if (fromCountry) found.currency = { value: fromCountry, confidence: 0.4 };
    else if (pesos && pesos !== 'USD') found.currency = { value: pesos, confidence: 0.4 };
  }
  if (vendorTaxId) found.vendorTaxId = vendorTaxId;
  if (iban) found.iban = iban;
  // The letterhead is above the item table on the first page.
  const letterhead = lines.filter((line) => line.page === 1 && line.index < firstTable);
  const vendorName = labelledVendorName(lines, labels) ?? pickVendorName(letterhead, blocks);
  if (vendorName) found.vendorName = vendorName;
  const invoiceNumber = pickInvoiceNumber(labels, lines);
  if (invoiceNumber) found.invoiceNumber = invoiceNumber;
  const currencyCode = found.currency?.value;
  const order = detectDateOrder(
    text.slice(0, 200_000),
    typeof currencyCode === 'string' ? currencyCode : undefined,
  );
  const dates = pickDates(
    labels,
    order,
    lines
      .slice(0, 200)
      .map((line) => line.raw)
      .join('\n'),
    lines,
  );
  if (dates.invoiceDate) found.invoiceDate = dates.invoiceDate;
  if (dates.dueDate) found.dueDate = dates.dueDate;
  const totals = pickTotals(labels);
  for (const key of ['subtotal', 'tax', 'total'] as const) {
    const value = totals[key];
    if (value !== undefined) found[key] = { value, confidence: totals.confidence[key] ?? 0.5 };
  }

  const pageConfidence = pageConfidenceFactor(pages);
  const result: RulesFields = {
    lineItems: readLineItems(lines, headerPositions, labels),
    taxes: readTaxBreakdown(lines, totals),
    confidence: {},
  };
  const fields = result as Record<string, unknown>;
  for (const [name, value] of Object.entries(found) as [InvoiceFieldName, Found<string> | Found<number>][]) {
    fields[name] = value.value;
    result.confidence[name] = Math.round(value.confidence * pageConfidence * 100) / 100;
  }
  return result;
}

/** OCR that was unsure of its pages makes every field less sure. */
function pageConfidenceFactor(pages?: readonly OcrPage[]): number {
  const scores = (pages ?? []).map((p) => p.confidence).filter((c): c is number => c !== undefined);
  if (scores.length === 0) return 1;
  const mean = scores.reduce((sum, c) => sum + c, 0) / scores.length;
  return 0.5 + 0.5 * Math.min(1, Math.max(0, mean));
}
