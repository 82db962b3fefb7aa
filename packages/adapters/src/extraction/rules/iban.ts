/** IBAN lengths by country (ISO 13616 registry), so a run of digits is cut where the IBAN ends. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TN: 24,
  TR: 26,
  UA: 29,
  VG: 24,
  XK: 20,
};

/**
 * Whether a compact IBAN (no spaces) has a known country length and passes the ISO 7064
 * mod-97 check. The remainder is folded digit by digit, so no big integers are needed.
 *
 * @example
 * isValidIban('DE89370400440532013000') // true
 */
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

export interface IbanMatch {
  iban: string;
  start: number;
  end: number;
}

/**
 * Every valid IBAN printed in `text`, grouped with single spaces or not (`DE89 3704 0044 …`).
 * Invalid check digits are skipped: a near-IBAN is more likely an OCR error than a bank account.
 *
 * @example
 * findIbans('IBAN: NL91 ABNA 0417 1643 00  ·  BIC: ABNANL2A')[0].iban // 'NL91ABNA0417164300'
 */
export function findIbans(text: string): IbanMatch[] {
  const found: IbanMatch[] = [];
  for (const m of text.matchAll(/(?<![A-Za-z0-9])([A-Z]{2})(\d{2})/g)) {
    const length = IBAN_LENGTHS[m[1] ?? ''];
    if (!length) continue;
    let compact = '';
    let index = m.index;
    // Walk alphanumerics and single spaces until the country's length is reached.
    while (index < text.length && compact.length < length) {
      const char = text[index] ?? '';
      if (/[A-Z0-9]/.test(char)) compact += char;
      else if (!(char === ' ' && /[A-Z0-9]/.test(text[index + 1] ?? ''))) break;
      index += 1;
    }
    if (compact.length !== length || /[A-Za-z0-9]/.test(text[index] ?? '')) continue;
    if (isValidIban(compact)) found.push({ iban: compact, start: m.index, end: index });
  }
  return found;
}
