/** A number found in text, with where it sits and how it was written. */
export interface NumberMatch {
  value: number;
  /** Digits after the decimal separator (0 for integers). */
  decimals: number;
  start: number;
  end: number;
  /** Followed by `%`: a rate, never an amount. */
  percent: boolean;
}

// Beyond 15 integer digits a double no longer holds every digit: such a "number" is an id or garbage.
const MAX_INTEGER_DIGITS = 15;

/**
 * Reads one printed number: `1,234.56`, `1.234,56`, `1 234,56`, `1'234.56`, `1’234.56`, `1234`, `0,95`.
 * A single `.` or `,` before exactly three digits is a thousands separator (`1.234` is 1234), the
 * convention of every invoice locale we read. Grouping must be regular, so a date (`03.11.2026`)
 * or a phone number is not a number.
 *
 * @example
 * parseNumberToken("1'850.00") // { value: 1850, decimals: 2 }
 */
export function parseNumberToken(token: string): { value: number; decimals: number } | undefined {
  const trimmed = token.replace(/[^\d]+$/, '');
  if (!/^\d/.test(trimmed)) return undefined;
  const groups = trimmed.split(/[^\d]/);
  const separators = trimmed.replace(/\d+/g, '');
  if (groups.some((group) => group === '')) return undefined; // two separators in a row
  if (separators.length === 0) {
    return trimmed.length > MAX_INTEGER_DIGITS ? undefined : { value: Number(trimmed), decimals: 0 };
  }
  const last = separators.at(-1) ?? '';
  const lastGroup = groups.at(-1) ?? '';
  const earlier = separators.slice(0, -1);
  const isDecimalCandidate = last === '.' || last === ',';
  const decimal =
    isDecimalCandidate &&
    (lastGroup.length !== 3 || (earlier.length > 0 && !earlier.includes(last)) || groups[0] === '0');
  const integerGroups = decimal ? groups.slice(0, -1) : groups;
  const thousands = decimal ? earlier : separators;
  if (thousands.length > 0) {
    const first = thousands[0];
    if (![...thousands].every((sep) => sep === first)) return undefined;
    if ((integerGroups[0]?.length ?? 0) > 3) return undefined;
    if (integerGroups.slice(1).some((group) => group.length !== 3)) return undefined;
  }
  const integer = integerGroups.join('');
  if (integer.replace(/^0+(?=\d)/, '').length > MAX_INTEGER_DIGITS) return undefined;
  const fraction = decimal ? lastGroup : '';
  if (fraction.length > 6) return undefined;
  const value = Number(fraction ? `${integer}.${fraction}` : integer);
  return Number.isFinite(value) ? { value, decimals: fraction.length } : undefined;
}

// Digits joined by separators; a single space joins only a following group of exactly three digits.
// Each step consumes at least one character and the branches start with disjoint characters, so the
// scan stays linear on any input.
const NUMBER_RUN = /\d(?:[\d.,'’]|(?<=\d) (?=\d{3}(?!\d)))*/g;

function isWordChar(char: string): boolean {
  if (char === '') return false;
  const code = char.charCodeAt(0);
  if (code < 128) return /[A-Za-z0-9_]/.test(char);
  return /\p{L}/u.test(char);
}

/**
 * Every number in `text` that stands on its own (not glued to letters, as in `DE123456789`, `750g`
 * or `3x1`). A leading `-` or enclosing parentheses make it negative.
 *
 * @example
 * findNumbers('TVA 5,5 %   47,97 €').map((n) => [n.value, n.percent]) // [[5.5, true], [47.97, false]]
 */
export function findNumbers(text: string): NumberMatch[] {
  const found: NumberMatch[] = [];
  for (const match of text.matchAll(NUMBER_RUN)) {
    const token = match[0].replace(/[^\d]+$/, '');
    const start = match.index;
    const end = start + token.length;
    const before = text[start - 1] ?? '';
    const after = text[end] ?? '';
    if (isWordChar(before) || isWordChar(after)) continue;
    const parsed = parseNumberToken(token);
    if (!parsed) continue;
    const percent = /^\s?%/.test(text.slice(end, end + 2));
    const negative = before === '-' || before === '−' || (before === '(' && after === ')');
    found.push({ ...parsed, value: negative ? -parsed.value : parsed.value, start, end, percent });
  }
  return found;
}

/** Whether a number reads as money: two decimals, or a whole amount printed with a currency. */
export function isMoney(match: NumberMatch, hasCurrency: boolean): boolean {
  if (match.percent) return false;
  return match.decimals === 2 || (match.decimals === 0 && hasCurrency);
}

/** Rounds to cents so sums of parsed amounts compare cleanly. */
export function roundMoney(value: number): number {
  return Math.round(value * 100) / 100;
}
