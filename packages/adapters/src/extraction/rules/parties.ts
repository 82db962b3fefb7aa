import { findCurrencies } from './currency';
import { findDates } from './dates';
import type { Found } from './header-fields';
import { findIbans } from './iban';
import type { LabelOccurrence } from './labelled-values';
import { findNumbers } from './numbers';
import { findVatIds, labelledTaxId } from './tax-ids';
import type { Segment, TextLine } from './text-lines';
import { hasLegalForm, matchLabel } from './vocabulary';

/** The customer's address block: under a `Bill to` / `Facturé à` / `Cliente` label, in its column. */
export interface RecipientBlock {
  fromLine: number;
  toLine: number;
  column: number;
}

const BLOCK_LINES = 8;

/**
 * Where the customer's block sits, so the customer's name and VAT id are not taken for the
 * vendor's. The block runs down from its label in the label's column, up to eight lines or the
 * line-item table, whichever comes first.
 */
export function recipientBlocks(labels: readonly LabelOccurrence[], stopLine: number): RecipientBlock[] {
  return labels
    .filter((occurrence) => occurrence.kind === 'recipient')
    .map((occurrence) => ({
      fromLine: occurrence.line.index,
      toLine: Math.min(occurrence.line.index + BLOCK_LINES, stopLine - 1),
      column: occurrence.segment.start,
    }));
}

/** Whether a segment lies inside a customer block. */
export function inRecipientBlock(blocks: readonly RecipientBlock[], line: number, segment: Segment): boolean {
  return blocks.some(
    (block) =>
      line >= block.fromLine &&
      line <= block.toLine &&
      segment.start >= block.column - 3 &&
      segment.start <= block.column + 12,
  );
}

const TAX_LABEL_KINDS = new Set(['vendorTaxId', 'tax']);

/**
 * The vendor's tax id: VAT ids anywhere in the text (EU formats, `CHE-…`, `GB …`) and other ids
 * after a tax-id label (`Tax ID (EIN): 84-2719035`), leaving out IBANs and the customer block.
 * A labelled id beats a bare one; the first wins among equals.
 */
export function pickVendorTaxId(
  lines: readonly TextLine[],
  labels: readonly LabelOccurrence[],
  blocks: readonly RecipientBlock[],
): Found<string> | undefined {
  let best: Found<string> | undefined;
  const consider = (value: string, confidence: number) => {
    if (!best || confidence > best.confidence) best = { value, confidence };
  };
  for (const line of lines) {
    for (const [index, segment] of line.segments.entries()) {
      const vatIds = findVatIds(segment.text);
      if (vatIds.length === 0 || inRecipientBlock(blocks, line.index, segment)) continue;
      const ibans = findIbans(segment.text);
      const label =
        matchLabel(segment.text) ??
        (index > 0 ? matchLabel(line.segments[index - 1]?.text ?? '') : undefined);
      const labelled = label !== undefined && TAX_LABEL_KINDS.has(label.kind);
      for (const vat of vatIds) {
        if (ibans.some((iban) => vat.start >= iban.start && vat.start < iban.end)) continue;
        // A repaired prefix is a guess, though a better one than the raw labelled token.
        consider(vat.taxId, (labelled ? 0.9 : 0.7) - (vat.repaired ? 0.1 : 0));
      }
    }
  }
  for (const occurrence of labels) {
    if (
      occurrence.kind !== 'vendorTaxId' ||
      inRecipientBlock(blocks, occurrence.line.index, occurrence.segment)
    ) {
      continue;
    }
    const option = occurrence.options[0];
    const value = option ? labelledTaxId(option.text) : undefined;
    if (value && findDates(value, 'DMY').length === 0) consider(value, 0.75);
  }
  return best;
}

/** The vendor's IBAN: the first valid one, preferring one printed after an `IBAN` label. */
export function pickIban(
  lines: readonly TextLine[],
  blocks: readonly RecipientBlock[],
): Found<string> | undefined {
  let best: Found<string> | undefined;
  for (const line of lines) {
    for (const segment of line.segments) {
      if (inRecipientBlock(blocks, line.index, segment)) continue;
      const [iban] = findIbans(segment.text);
      if (!iban) continue;
      const confidence = /iban/i.test(segment.text.slice(0, iban.start)) ? 0.95 : 0.85;
      if (!best || confidence > best.confidence) best = { value: iban.iban, confidence };
    }
  }
  return best;
}

const TOP_LINES = 10;

// A company registration next to a name (`(81109-A)`, `Co. No.`, `GST ID`) marks it as the seller's.
const REGISTRATION =
  /\(\s*\d{3,}[\s-]*[A-Z]\s*\)|\b(?:co|company|roc|reg)\.?\s*(?:no|number)\b|\bgst\s*(?:id|reg|no)/i;
const CONNECTORS = new Set([
  'de',
  'la',
  'le',
  'van',
  'der',
  'den',
  'of',
  'and',
  'und',
  'et',
  'y',
  'e',
  'di',
  'du',
  'des',
]);

/** Every word in capitals or capitalised: OCR noise on thermal receipts (`Avs oper`, `QTETeeee`) is not. */
function cleanlyCased(name: string): boolean {
  return name.split(/\s+/).every(
    (word) =>
      CONNECTORS.has(word) ||
      /^[\p{Lu}\d&.,'()/+-]+$/u.test(word) ||
      /^\p{Lu}[\p{Ll}\d.,'&()-]*$/u.test(word) ||
      // Inner capitals after lower case: `GmbH`, `McDonald's`, `PappaRich`.
      /^\p{Lu}\p{Ll}+(?:\p{Lu}[\p{Ll}.,'&-]*)+$/u.test(word),
  );
}

/** OCR reads `SDN BHD` as `SDN 8HD` or `SON BHD`, and `S/B` as `S/8`, on faint receipts. */
// Also `SUN BHD`, `SDN. HD.`, `Sdn Ehd` and `5/B`, in either case.
// And `SDN BID` / `SDN BUD` (H read as I or U), `5/8` for `S/B`.
const repairLegalForm = (name: string) =>
  name
    .replace(/\bS[DIOU0]N(\.?)\s*(?:[B83E]?HD|B[IU1l]D)\b/gi, (_, dot: string) =>
      name === name.toUpperCase() ? `SDN${dot} BHD` : `Sdn${dot} Bhd`,
    )
    .replace(/(\p{L}\s+)[S5]\/[8EB]$/u, '$1S/B')
    .replace(/\bS\/[8E]\b/g, 'S/B');

// Address words: a street or town line near a registration number is not the name.
const ADDRESS_WORDS =
  /\b(?:jalan|jln|taman|tmn|lot|seksyen|bandar|street|str\.|strasse|straße|road|rd\.|avenue|ave\.|rue|chemin|via|calle|ul\.)\b/i;

// OCR reads the opening bracket of `(519537-X)` as `{` or `[` as often as not.
const INLINE_REGISTRATION = /\s*[({[]\s*\d{4,}[\s-]*[A-Z]?\s*[)}\]]\s*$/;
// Marks OCR leaves at a line's edges on thermal receipts (`[LEONG HENG`, `“LIVES`, `— SANYU`).
const EDGE_NOISE = /^[\s[\]|"“”‘’'<>{}_~—–=*.,;:-]+|[\s|"“”‘’'<>{}_~—–=*]+$/gu;
// A legal form alone (`Co.`, `SDN BHD`) is no name.
const ONLY_LEGAL_FORM = /^(?:co\.?|sdn\.?\s*bhd\.?|bhd\.?|s\/b|ltd\.?|inc\.?|gmbh|enterprise|trading)$/i;
// The title of the document (`TAX INVOICE`, `RECEIPT`): the seller's name is printed above it;
// a company named below it is the customer (a delivery note's `MAKASSAR FRESH MARKET SDN BHD`)
// or the owner of the shop (`Owned By: SANYU SUPPLY SDN BHD`).
const DOCUMENT_TITLE =
  /\b(?:(?:tax|simplified tax|cash)\s+invoice|invoice|receipt|resit|official receipt)\b/i;
const OWNER_LABEL = /\b(?:owned|operated|managed)\s+by\b/i;
const ADDRESS_START = /^(?:taman|tmn|jalan|jln|lorong|kg\.?|kampung|bandar|seksyen)\b/i;
// A line that starts with a company word continues the name above (`CO. (M) SDN BHD`).
const WRAPPED_REST = /^(?:co\.|company|enterprise|trading|holdings|\([\p{L} ]{2,30}\))(?:\s|$)/iu;
const isCapitals = (text: string) => !/\p{Ll}/u.test(text);
const words = (text: string) => text.split(/\s+/).length;

/**
 * The vendor's name from the top of the first page (letterhead), skipping titles, labels,
 * addresses, contact details and the customer block. Candidates score by a legal form (`GmbH`,
 * `Ltd`, `SDN BHD`), a company registration on the lines below, clean capitalisation and length;
 * the best wins, the earliest among equals. A centred receipt line whose words OCR spaced apart
 * (`MR.  D.I.Y.  SDN BHD`) is read whole.
 */
export function pickVendorName(
  lines: readonly TextLine[],
  blocks: readonly RecipientBlock[],
): Found<string> | undefined {
  const candidates: { name: string; score: number; legal: boolean; position: number }[] = [];
  const top = lines.filter((line) => line.segments.length > 0).slice(0, TOP_LINES);
  const titleAt = top.findIndex((line) => DOCUMENT_TITLE.test(line.raw));
  for (const [position, line] of top.entries()) {
    // Below the title, or under an `Owned By` label, only when nothing clean was named above it.
    const belowTitle = titleAt >= 0 && position > titleAt;
    const owner = OWNER_LABEL.test(top[position - 1]?.raw ?? '') || OWNER_LABEL.test(line.raw);
    if ((belowTitle || owner) && candidates.some((c) => c.score >= 2)) continue;
    const registered = REGISTRATION.test(top[position + 1]?.raw ?? '');
    const texts = line.segments.filter((segment) => !inRecipientBlock(blocks, line.index, segment));
    const options = texts.map((segment) => segment.text);
    const gaps = texts.slice(1).map((segment, i) => segment.start - (texts[i]?.end ?? 0));
    // A centred name spaced word by word, or a name whose legal form drifted to the right
    // (`GARDENIA BAKERIES(KL) SDN            BHD (139386 X)`).
    const restIsLegal = texts.length > 1 && ONLY_LEGAL_FORM.test(bareName(texts.at(-1)?.text ?? ''));
    if (texts.length > 1 && (gaps.every((gap) => gap <= 4) || (restIsLegal && texts.length <= 3))) {
      options.unshift(options.join(' '));
    }
    for (const option of options) {
      // A registration number printed after the name (`... SDN BHD (139386 X)`) marks the seller.
      const cleaned = option.replace(EDGE_NOISE, '');
      const inlineRegistration = INLINE_REGISTRATION.exec(cleaned);
      let name = bareName(cleaned);
      const previous = candidates.at(-1);
      // `(SEMENYIH) SDN BHD` under `PASAR RAYA MEGA MAJU`: a branch in brackets continues the name.
      const branchRest = previous !== undefined && /^\(/.test(name) && WRAPPED_REST.test(name);
      if (!(branchRest || isNameLike(name)) || (ADDRESS_WORDS.test(name) && /[\d,]/.test(name))) continue;
      // Address fragments (`TAMAN BERKELEY`, `CHERAS,`) and labels (`Owned By:`) are not names.
      if (ADDRESS_START.test(name) || /[,:]$/.test(name)) continue;
      // A name whose legal form wrapped onto its own line (`PASARAYA BORONG PINTAR` / `SDN BHD`),
      // or whose rest did (`POPULAR BOOK` / `CO. (M) SDN BHD`, `AIK HUAT HARDWARE` /
      // `ENTERPRISE (SETIA ALAM) SDN BHD`): the line above, in capitals and without a legal form.
      const wrapped =
        previous &&
        !previous.legal &&
        previous.position >= position - 1 &&
        (/^(?:sdn\.? bhd|bhd|s\/b|gmbh|ltd|inc)\.?$/i.test(name) ||
          (WRAPPED_REST.test(name) &&
            hasLegalForm(name) &&
            isCapitals(previous.name) &&
            isCapitals(name) &&
            words(previous.name) + words(name) <= 8));
      if (wrapped) name = `${previous.name} ${name}`;
      else if (ONLY_LEGAL_FORM.test(name) || branchRest) continue;
      const legal = hasLegalForm(name);
      const letters = name.replace(/[^\p{L}]/gu, '').length;
      const score =
        (legal ? 4 : 0) +
        (registered || inlineRegistration ? 3 : 0) +
        (cleanlyCased(name) ? 1 : 0) +
        (letters >= 6 ? 1 : 0);
      candidates.push({ name, score, legal: legal || registered || Boolean(inlineRegistration), position });
    }
  }
  const chosen = candidates.reduce<(typeof candidates)[number] | undefined>(
    (best, c) => (!best || c.score > best.score ? c : best),
    undefined,
  );
  if (!chosen) return undefined;
  return { value: chosen.name.slice(0, 300), confidence: chosen.legal ? 0.85 : 0.6 };
}

/** A letterhead option without its registration number, edge marks and garbled legal form. */
function bareName(option: string): string {
  const cleaned = option.replace(EDGE_NOISE, '');
  const registration = INLINE_REGISTRATION.exec(cleaned);
  const bare = registration ? cleaned.slice(0, registration.index) : cleaned;
  return repairLegalForm(letterheadName(bare)).replace(EDGE_NOISE, '');
}

/** The name from a letterhead line: `Au bon moulin SARL - 1242 chemin …`, `Bei Spiel GmbH ● Ecke 12`. */
function letterheadName(text: string): string {
  return (text.split(/\s[·|•●]\s|\s[-–]\s/)[0] ?? '').trim();
}

const VENDOR_BLOCK_LINES = 6;

/**
 * The vendor's name under a vendor label (`Verkäufer`, `Seller`, `Sprzedawca`, `Payable to`):
 * the label's own value, else the first name in its column below it, reading a `Name:` row's
 * value and skipping other labelled rows (`Nummer: 549910`).
 */
export function labelledVendorName(
  lines: readonly TextLine[],
  labels: readonly LabelOccurrence[],
): Found<string> | undefined {
  for (const occurrence of labels) {
    if (occurrence.kind !== 'vendor') continue;
    // A name that merely starts with the word (`Lieferant GmbH`) is no label: its value must be set
    // off by a colon or a column gap (`From: ACME Ltd`, `Seller   ACME Ltd`).
    const own = occurrence.options.find(
      (o) => o.placement === 'next' || (o.placement === 'inline' && occurrence.segment.text.includes(':')),
    );
    if (own && isNameLike(letterheadName(own.text))) {
      return { value: letterheadName(own.text).slice(0, 300), confidence: 0.9 };
    }
    if (own || occurrence.options.some((o) => o.placement === 'inline')) continue;
    const position = lines.indexOf(occurrence.line);
    const block = lines.slice(position + 1, position + 1 + VENDOR_BLOCK_LINES);
    for (const [offset, line] of block.entries()) {
      if (line.page !== occurrence.line.page || line.segments.length === 0) continue;
      const at = line.segments.findIndex((segment) => segment.end > occurrence.segment.start - 3);
      const first = line.segments[at];
      if (!first) continue;
      const label = matchLabel(first.text);
      if (label?.kind === 'vendor' || label?.kind === 'recipient') break;
      const next = line.segments[at + 1];
      const row = /^name\s*:?\s*(.*)$/i.exec(first.text);
      const labelled = label || /:\s*$/.test(first.text) || /^[\p{L} .-]+:/u.test(first.text);
      if (!row && (labelled || next?.text.startsWith(':'))) continue;
      const cell = row && !row[1] ? next : undefined;
      let name = letterheadName(row ? row[1] || cell?.text || '' : first.text);
      if (!isNameLike(name)) continue;
      // A long name wraps in its table cell: the next line holds only its rest, in the same column;
      // some text layers put the first part above the `Name:` row instead.
      const wrap = block[offset + 1]?.segments;
      if (cell && wrap?.length === 1 && Math.abs((wrap[0]?.start ?? -9) - cell.start) <= 2) {
        const rest = wrap[0]?.text ?? '';
        if (isNameLike(rest)) name = `${name} ${rest}`;
      } else if (
        !row &&
        wrap &&
        /^name\s*:?$/i.test(wrap[0]?.text ?? '') &&
        isNameLike(wrap[1]?.text ?? '')
      ) {
        name = `${name} ${wrap[1]?.text}`;
      }
      return { value: name.slice(0, 300), confidence: 0.9 };
    }
  }
  return undefined;
}

function isNameLike(text: string): boolean {
  // A shop number before the name (`99 SPEED MART S/B`) is part of it; a street number is not
  // (addresses are filtered by their words and commas).
  const start = /^\d{1,2}\s+(?=\p{Lu}{2,}\s+\p{Lu})/u.exec(text)?.[0].length ?? 0;
  if (text.length < 2 || text.length > 120 || !/^\p{L}/u.test(text.slice(start))) return false;
  // Sentences are not names (`Stylesheet zur Lesbarmachung der XML-Daten von …`), nor lower-case words (`vom`).
  if (text.split(/\s+/).length > 7 || !/\p{Lu}/u.test(text)) return false;
  if (/@|www\.|https?:|\.(?:com|de|fr|nl|es|it|ch|co\.uk|dev|io)\b/i.test(text)) return false;
  const digits = text.replace(/\D/g, '').length;
  if (digits > 0 && digits / text.length > 0.15) return false;
  if (/\d{3,}/.test(text)) return false;
  // Copy marks printed at the top of each copy: `ORIGINAL`, `DUPLICADO`, `COPY`.
  if (/^(?:original|duplicado|triplicado|duplicate|copy|copia|copie|kopie)$/i.test(text.trim())) return false;
  const label = matchLabel(text);
  // `Lieferant GmbH` is a name that starts with a vendor word; `Lieferant:` is a label.
  if (label && !(label.kind === 'vendor' && label.restFolded && !text.includes(':'))) return false;
  if (findCurrencies(text).some((c) => c.start === 0 && c.end === text.length)) return false;
  if (findNumbers(text).some((n) => n.decimals === 2) || findDates(text, 'DMY').length > 0) return false;
  return /\p{L}{2,}/u.test(text);
}
