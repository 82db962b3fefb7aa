import { foldText } from './fold-text';

/** How a numeric date with two small parts is read: 03/11/2026 is 3 Nov (DMY) or 11 Mar (MDY). */
export type DateOrder = 'DMY' | 'MDY';

export interface DateMatch {
  /** `YYYY-MM-DD`. */
  iso: string;
  start: number;
  end: number;
  /** Numeric with day and month both ≤ 12 and different: the reading depended on `order`. */
  ambiguous: boolean;
}

// Month names and the abbreviations printed on invoices in EN/DE/FR/NL/ES/IT, folded (no accents).
const MONTH_WORDS: readonly (readonly string[])[] = [
  [
    'january',
    'jan',
    'januar',
    'janner',
    'jaenner',
    'janvier',
    'janv',
    'januari',
    'enero',
    'ene',
    'gennaio',
    'gen',
  ],
  ['february', 'feb', 'febr', 'februar', 'fevrier', 'fevr', 'fev', 'februari', 'febrero', 'febbraio'],
  ['march', 'mar', 'marz', 'maerz', 'mrz', 'mars', 'maart', 'mrt', 'marzo'],
  ['april', 'apr', 'avril', 'avr', 'abril', 'abr', 'aprile'],
  ['may', 'mai', 'mei', 'mayo', 'maggio', 'mag'],
  ['june', 'jun', 'juni', 'juin', 'junio', 'giugno', 'giu'],
  ['july', 'jul', 'juli', 'juillet', 'juil', 'julio', 'luglio', 'lug'],
  ['august', 'aug', 'aout', 'augustus', 'agosto', 'ago'],
  ['september', 'sep', 'sept', 'septembre', 'septiembre', 'setiembre', 'settembre', 'set'],
  ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre', 'ottobre', 'ott'],
  ['november', 'nov', 'novembre', 'noviembre'],
  ['december', 'dec', 'dezember', 'dez', 'decembre', 'diciembre', 'dicembre', 'dic'],
];
const MONTHS = new Map<string, number>();
MONTH_WORDS.forEach((words, index) => {
  for (const word of words) MONTHS.set(word, index + 1);
});

/** The month a (possibly abbreviated, accented, any-case) month word names. */
export function monthNumber(word: string): number | undefined {
  return MONTHS.get(foldText(word).replace(/\.$/, ''));
}

/**
 * `YYYY-MM-DD` for a real calendar date between 1900 and 2200; two-digit years are 20xx.
 *
 * @example
 * isoDate(26, 2, 29) // undefined (2026 is not a leap year)
 */
export function isoDate(year: number, month: number, day: number): string | undefined {
  const fullYear = year < 100 ? 2000 + year : year;
  if (fullYear < 1900 || fullYear > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(fullYear, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return undefined;
  return date.toISOString().slice(0, 10);
}

// Every pattern below uses bounded repetition between disjoint character classes: linear on any input.
const ISO_FORM = /(?<![\d.,/-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d]|[.,/-]\d)/g;
const NUMERIC_FORM = /(?<![\d.,/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d]|[.,/-]\d)/g;
const DAY_MONTH_YEAR =
  /(?<![\p{L}\d])(\d{1,2})(?:st|nd|rd|th|er|e|o|º|°)?[.\s-]{0,3}(?:de\s{1,2})?(\p{L}{3,10})\.?[\s,-]{1,3}(?:de\s{1,2})?(\d{4}|\d{2}(?![\d:.,]))(?!\d)/gu;
const MONTH_DAY_YEAR = /(?<![\p{L}])(\p{L}{3,10})\.?\s{1,2}(\d{1,2})(?:st|nd|rd|th)?,?\s{1,2}(\d{4})(?!\d)/gu;

/**
 * Every date in `text`: ISO (`2026-11-03`), numeric (`03/11/2026`, `03.11.26`, `03-11-2026`) and
 * written (`3. Nov. 2026`, `18 april 2014`, `24 Mar 18`, `3 de noviembre de 2026`, `Dec 3, 2026`). A numeric date
 * whose two small parts could be either day or month is read in `order`; dotted dates are always
 * day first (no locale writes months first with dots).
 *
 * @example
 * findDates('Due 11/18/2026', 'MDY')[0].iso // '2026-11-18'
 */
export function findDates(text: string, order: DateOrder): DateMatch[] {
  const found: DateMatch[] = [];
  const add = (iso: string | undefined, start: number, end: number, ambiguous = false) => {
    if (!iso) return;
    if (found.some((d) => start < d.end && d.start < end)) return;
    found.push({ iso, start, end, ambiguous });
  };
  for (const m of text.matchAll(ISO_FORM)) {
    add(isoDate(Number(m[1]), Number(m[3]), Number(m[4])), m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(NUMERIC_FORM)) {
    const [a, b, year] = [Number(m[1]), Number(m[3]), Number(m[4])];
    const end = m.index + m[0].length;
    if (m[2] === '.' || a > 12) add(isoDate(year, b, a), m.index, end);
    else if (b > 12) add(isoDate(year, a, b), m.index, end);
    else if (a === b) add(isoDate(year, a, b), m.index, end);
    else add(order === 'MDY' ? isoDate(year, a, b) : isoDate(year, b, a), m.index, end, true);
  }
  for (const m of text.matchAll(DAY_MONTH_YEAR)) {
    const month = monthNumber(m[2] ?? '');
    if (month) add(isoDate(Number(m[3]), month, Number(m[1])), m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(MONTH_DAY_YEAR)) {
    const month = monthNumber(m[1] ?? '');
    if (month) add(isoDate(Number(m[3]), month, Number(m[2])), m.index, m.index + m[0].length);
  }
  return found.sort((x, y) => x.start - y.start);
}

/**
 * Decides how ambiguous numeric dates in a document are read. The document's own unambiguous
 * dates decide first (`11/18/2026` can only be month first); otherwise US dollars suggest a US
 * invoice (month first) and everything else day first.
 *
 * @example
 * detectDateOrder('Date 11/03/2026 Due 11/18/2026', 'USD') // 'MDY'
 */
export function detectDateOrder(text: string, currency: string | undefined): DateOrder {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const m of text.matchAll(NUMERIC_FORM)) {
    if (m[2] === '.') continue;
    const [a, b] = [Number(m[1]), Number(m[3])];
    if (a > 12 && b <= 12) dayFirst += 1;
    if (b > 12 && a <= 12) monthFirst += 1;
  }
  if (dayFirst !== monthFirst) return dayFirst > monthFirst ? 'DMY' : 'MDY';
  // A lone `$` on a Malaysian receipt is OCR noise or a local dollar, not a US invoice.
  return currency === 'USD' && !dayFirstRegion(text) ? 'MDY' : 'DMY';
}

// Words of addresses and registrations in countries that write the day first and whose
// receipts OCR often sprinkles with `$` (Malaysia, Singapore).
const DAY_FIRST_REGION =
  /\b(?:sdn\.?\s?bhd|selangor|kuala lumpur|johor|penang|malaysia|singapore|jalan|jln|taman|gst\s?(?:reg|id))\b/i;

/** Whether the text names a place or registration of a day-first country (`Jalan`, `SDN BHD`). */
function dayFirstRegion(text: string): boolean {
  return DAY_FIRST_REGION.test(text.slice(0, 20_000));
}

// Eight digits standing alone: `25032018` (day first, as Malaysian tills print) or `20180325`.
const COMPACT_FORM = /(?<![\d./:-])(\d{2})(\d{2})(\d{4})(?![\d./-])/g;

/**
 * Dates printed without separators (`25032018`, `20180325`), years 2000–2099 only. Such a token
 * may as well be a number, so callers use these only when no other date was found. Day first
 * unless `order` says month first.
 *
 * @example
 * findCompactDates('00440010036 25032018 13:11:54', 'DMY')[0].iso // '2018-03-25'
 */
export function findCompactDates(text: string, order: DateOrder): DateMatch[] {
  const found: DateMatch[] = [];
  for (const m of text.matchAll(COMPACT_FORM)) {
    const end = m.index + m[0].length;
    let iso: string | undefined;
    if (m[1] && m[2] && m[3] && /^20/.test(m[3])) {
      const [a, b, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
      iso = order === 'MDY' ? isoDate(year, a, b) : isoDate(year, b, a);
    }
    if (!iso && m[1] && m[2] && m[3] && /^20/.test(m[1] + m[2])) {
      iso = isoDate(Number(m[1] + m[2]), Number(m[3].slice(0, 2)), Number(m[3].slice(2)));
    }
    if (iso) found.push({ iso, start: m.index, end, ambiguous: true });
  }
  return found;
}
