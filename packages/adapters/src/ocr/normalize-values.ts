/**
 * Conservative parsers for the values OCR services return as printed text. They
 * return undefined rather than guess: a missing field is refined by extraction,
 * a wrong one is not.
 */

/**
 * A money amount from printed text: `1,234.56`, `1.234,56`, `1 234,56`, `€ 12`,
 * `(12.00)` (negative), `12.00-`. A lone separator before exactly three digits is
 * a thousands separator (`1.234` is 1234).
 *
 * @example
 * parseAmount('EUR 1.234,56') // 1234.56
 */
export function parseAmount(text: string): number | undefined {
  // Swiss style "5.-" means 5.00, not minus five.
  const trimmed = text.trim().replace(/[.,][-–]$/, '');
  const negative = /^\(.*\)$/.test(trimmed) || /^-|-$|^[^\d]*-\s*\d/.test(trimmed);
  const digits = trimmed.replace(/[^\d.,]/g, '');
  if (!/\d/.test(digits) || /[.,]{2}/.test(digits)) return undefined;
  const lastDot = digits.lastIndexOf('.');
  const lastComma = digits.lastIndexOf(',');
  let normalized: string;
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    normalized = digits.split(thousands).join('').replace(decimal, '.');
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const parts = digits.split(sep);
    const tail = parts.at(-1) ?? '';
    normalized =
      parts.length > 2 || tail.length === 3 ? parts.join('') : `${parts.slice(0, -1).join('')}.${tail}`;
  } else {
    normalized = digits;
  }
  const value = Number(normalized);
  if (!Number.isFinite(value)) return undefined;
  return negative ? -value : value;
}

const MONTHS: Record<string, number> = {};
const MONTH_NAMES = [
  ['jan', 'january', 'januar', 'janvier', 'januari', 'enero', 'gennaio', 'jän', 'janv', 'ene', 'gen'],
  ['feb', 'february', 'februar', 'février', 'fevrier', 'februari', 'febrero', 'febbraio', 'févr', 'fevr'],
  ['mar', 'march', 'märz', 'maerz', 'mars', 'maart', 'marzo', 'mär', 'mrt'],
  ['apr', 'april', 'avril', 'abril', 'aprile', 'avr', 'abr'],
  ['may', 'mai', 'mei', 'mayo', 'maggio', 'mag'],
  ['jun', 'june', 'juni', 'juin', 'junio', 'giugno', 'giu'],
  ['jul', 'july', 'juli', 'juillet', 'julio', 'luglio', 'juil', 'lug'],
  ['aug', 'august', 'août', 'aout', 'augustus', 'agosto', 'ago'],
  ['sep', 'sept', 'september', 'septembre', 'septiembre', 'settembre', 'set'],
  ['oct', 'october', 'oktober', 'octobre', 'octubre', 'ottobre', 'okt', 'ott'],
  ['nov', 'november', 'novembre', 'noviembre'],
  ['dec', 'december', 'dezember', 'décembre', 'decembre', 'diciembre', 'dicembre', 'dez', 'déc', 'dic'],
];
MONTH_NAMES.forEach((names, i) => {
  for (const name of names) MONTHS[name] = i + 1;
});

function isoDate(year: number, month: number, day: number): string | undefined {
  const full = year < 100 ? 2000 + year : year;
  const date = new Date(Date.UTC(full, month - 1, day));
  if (date.getUTCFullYear() !== full || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  if (full < 1900 || full > 2200) return undefined;
  return date.toISOString().slice(0, 10);
}

/**
 * An ISO date from printed text: `2026-11-03`, `03.11.2026`, `3 Nov 2026`,
 * `November 3, 2026`, `18 april 2014`, and slashed dates. Slashed dates are
 * read day-first unless `order` is `MDY` or one part can only be a day; both
 * readings valid and no order given means undefined.
 *
 * @example
 * parseDate('3. Nov 2026') // '2026-11-03'
 */
export function parseDate(text: string, order?: 'DMY' | 'MDY'): string | undefined {
  const t = text.trim().toLowerCase();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(t);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2}|\d{4})$/.exec(t);
  if (m) return isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$/.exec(t);
  if (m) {
    const [a, b, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (a > 12) return isoDate(y, b, a);
    if (b > 12) return isoDate(y, a, b);
    if (a === b) return isoDate(y, a, b);
    if (!order) return undefined;
    return order === 'MDY' ? isoDate(y, a, b) : isoDate(y, b, a);
  }
  m = /^(\d{1,2})\.?\s*(?:de\s+)?([\p{L}]+)\.?,?\s*(?:de\s+)?(\d{4})$/u.exec(t);
  if (m) {
    const month = MONTHS[m[2] ?? ''];
    return month ? isoDate(Number(m[3]), month, Number(m[1])) : undefined;
  }
  m = /^([\p{L}]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/u.exec(t);
  if (m) {
    const month = MONTHS[m[1] ?? ''];
    return month ? isoDate(Number(m[3]), month, Number(m[2])) : undefined;
  }
  return undefined;
}

const SYMBOLS: [RegExp, string][] = [
  [/€/, 'EUR'],
  [/£/, 'GBP'],
  [/¥/, 'JPY'],
  [/\bCHF\b|\bFr\./, 'CHF'],
  [/US\$|\$/, 'USD'],
];

/**
 * An ISO 4217 code from a printed amount (`€ 12`, `12 EUR`, `CHF 5.-`).
 *
 * @example
 * currencyFromText('1.234,56 €') // 'EUR'
 */
export function currencyFromText(text: string): string | undefined {
  const code = /\b([A-Z]{3})\b/.exec(text)?.[1];
  if (
    code &&
    /^(EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CZK|HUF|INR|CNY|NZD|SGD|HKD|ZAR|BRL|MXN)$/.test(code)
  ) {
    return code;
  }
  return SYMBOLS.find(([pattern]) => pattern.test(text))?.[1];
}
