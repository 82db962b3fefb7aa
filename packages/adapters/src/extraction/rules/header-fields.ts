import { type DateOrder, findCompactDates, findDates } from './dates';
import { isValidIban } from './iban';
import type { LabelOccurrence } from './labelled-values';
import { findVatIds } from './tax-ids';
import type { TextLine } from './text-lines';

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
  // `#INV03051`, `No. 001`, `Nr. 471102`: the number sign or word is not part of the number.
  const value = text.trim().replace(/^(?:[#:]|(?:n[o°º]|nr|num(?:ber|ero|er)?)(?:\.|:|\s)|\s)+/iu, '');
  const token = /^[\p{L}\d][\p{L}\d\-/._#]{0,63}/u.exec(value)?.[0]?.replace(/[-/._#]+$/, '');
  if (!token || token.length > 40 || !/\d/.test(token)) return undefined;
  const date = findDates(token, 'DMY')[0];
  if (date && date.start === 0 && date.end === token.length) return undefined;
  if (isValidIban(token.toUpperCase())) return undefined;
  // Only a VAT id as printed: one read through an OCR repair (`R0…` as Romanian `RO…`) is a number.
  const vat = findVatIds(token)[0];
  if (vat && !vat.repaired && vat.start === 0 && vat.end === token.length) return undefined;
  return token;
}

/** The rest of a line from each of its segments on: OCR spreads a title line over columns. */
function fromEachSegment(line: TextLine): string[] {
  return line.segments.map((_, i) =>
    line.segments
      .slice(i, i + 6)
      .map((segment) => segment.text)
      .join(' '),
  );
}

// A document word (compounds too: `Handelsrechnung`, `Mietrechnung`), optional codes or a genitive
// (`(380)`, `des Versicherers (575)`), then a number word or sign: the number follows.
const TITLED_NUMBER =
  /^(?:\p{L}*(?:rechnung|gutschrift|rechnungskorrektur)|(?:tax |commercial )?invoice|facture|factura|fattura|factuur|faktura(?: vat)?|avoir|credit note|rachunek)(?:\s+(?:des|der|du|de la|of the)\s+\p{L}+)?(?:\s*\([^)]{1,40}\))*\s*(?:nr|no|n[°º]|number|numer|nummer|#)\.?\s*:?\s*(\S+)(?:\s+(\d[\d/-]*))?/iu;

/**
 * `Handelsrechnung (380) Nr. 471102 vom …`, `Faktura VAT nr FV 152011`, `Rechnung # RE-1/503`: a
 * number after the document title and a number word, where no number label stands alone.
 */
export function titledInvoiceNumber(lines: readonly TextLine[]): Found<string> | undefined {
  for (const line of lines.slice(0, 400)) {
    for (const text of fromEachSegment(line)) {
      const match = TITLED_NUMBER.exec(text);
      if (!match) continue;
      // A series prefix printed apart from its digits (`FV 152011`) belongs to the number.
      const joined = match[2] && !/\d/.test(match[1] ?? '') ? `${match[1]} ${match[2]}` : undefined;
      const token = joined ?? invoiceNumberToken(match[1] ?? '');
      if (token) return { value: token, confidence: 0.85 };
    }
  }
  return undefined;
}

const DOCUMENT_WORD =
  /^(?:\p{L}*(?:rechnung|gutschrift|rechnungskorrektur)|(?:tax |commercial )?invoice|facture|factura|fattura|factuur|faktura|avoir|credit note|rachunek)\b/iu;
const DATED = /\s(?:vom|von|du|dated|issued(?: at| on)?|del|z dnia)\s+(.{6,30})$/iu;

/** `Rechnung Nr. 42 vom 05.03.2018`, `Invoice # 508 issued at 2020-11-21`: the date on the title line. */
export function titledInvoiceDate(lines: readonly TextLine[], order: DateOrder): Found<string> | undefined {
  for (const line of lines.slice(0, 400)) {
    for (const text of fromEachSegment(line)) {
      if (!DOCUMENT_WORD.test(text)) continue;
      const tail = DATED.exec(text.slice(0, 200))?.[1];
      const date = tail ? findDates(tail, order)[0] : undefined;
      if (date && date.start === 0) return { value: date.iso, confidence: 0.85 };
    }
  }
  return undefined;
}

// Argentine invoices number by point of sale and voucher: `N° 0003 - 00003435`, `NRO.: 00004-00017649`,
// or the two printed apart (`Punto de Venta: 00003   Comp. Nro: 00000128`).
// A number word must precede the joined form: a phone number (`0911-12345678`) has the same shape.
const POINT_OF_SALE_NUMBER = /(?:n[°º]|nro\.?|n[uú]mero|factura)\s*:?\s*(\d{4,5})\s?[-–]\s?(\d{8})(?!\d)/iu;
const POINT_OF_SALE_SPLIT =
  /punto de venta\s*:?\s*(\d{4,5})\b.{0,60}?comp(?:robante)?\.?\s*n(?:ro|[°º])\.?\s*:?\s*(\d{8})(?!\d)/iu;

/**
 * An invoice number in the point-of-sale form (`0005-00011643`), as the number is known there:
 * both parts, joined by a hyphen. Only in the first lines, where the invoice header is.
 *
 * @example
 * // lines of 'Punto de Venta: 00003   Comp. Nro: 00000128'
 * pointOfSaleNumber(lines) // { value: '00003-00000128', confidence: 0.92 }
 */
export function pointOfSaleNumber(lines: readonly TextLine[]): Found<string> | undefined {
  for (const line of lines.slice(0, 40)) {
    const text = line.segments.map((segment) => segment.text).join(' ');
    const match = POINT_OF_SALE_SPLIT.exec(text) ?? POINT_OF_SALE_NUMBER.exec(text);
    if (match) return { value: `${match[1]}-${match[2]}`, confidence: 0.92 };
  }
  return undefined;
}

/**
 * The invoice number: after a number label (`Invoice #`, `Rechnungsnummer`, `N° de facture`,
 * `Bon-Nr.`), else after the document title (`Invoice 10234`, `RECHNUNG RE-2026-1103`).
 */
export function pickInvoiceNumber(
  labels: readonly LabelOccurrence[],
  lines: readonly TextLine[] = [],
): Found<string> | undefined {
  const pointOfSale = pointOfSaleNumber(lines);
  if (pointOfSale) return pointOfSale;
  let best: Found<string> | undefined = titledInvoiceNumber(lines);
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
 * A labelled date with a mark glued after its four-digit year (`DATE:15/06/20171`), which OCR
 * reads as one more digit; the date is the part before it.
 */
const STAMPED_TIME = /^[\s,]{1,3}\d{1,2}:\d{2}(?!\d)/;

function withoutStrayDigit(text: string): string {
  return text.replace(/(?<![\d./-])(\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2})\d(?!\d)/g, '$1');
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
  lines: readonly TextLine[] = [],
): { invoiceDate?: Found<string>; dueDate?: Found<string> } {
  const result: { invoiceDate?: Found<string>; dueDate?: Found<string> } = {};
  const titled = titledInvoiceDate(lines, order);
  if (titled) result.invoiceDate = titled;
  for (const occurrence of labels) {
    if (occurrence.kind !== 'invoiceDate' && occurrence.kind !== 'dueDate') continue;
    for (const option of occurrence.options) {
      const date = findDates(option.text, order)[0] ?? findDates(withoutStrayDigit(option.text), order)[0];
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
    // A till prints the sale's date with its time (`18/03/18 09:03`); other dates on a
    // receipt (a tax-invoice or batch number's) do not have one.
    const unclaimed = (text: string) => {
      const dates = findDates(text, order).filter((d) => !claimed.has(d.iso));
      return dates.find((d) => STAMPED_TIME.test(text.slice(d.end, d.end + 12))) ?? dates[0];
    };
    const first = unclaimed(fallbackText) ?? unclaimed(withoutStrayDigit(fallbackText));
    if (first) result.invoiceDate = { value: first.iso, confidence: 0.4 };
  }
  if (!result.invoiceDate) {
    const compact = findCompactDates(fallbackText, order)[0];
    if (compact) result.invoiceDate = { value: compact.iso, confidence: 0.3 };
  }
  return result;
}
