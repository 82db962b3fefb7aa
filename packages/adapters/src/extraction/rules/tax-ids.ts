/**
 * VAT identification numbers by prefix, written compact (no spaces, dots or dashes). Formats
 * follow the EU VIES rules, plus the UK, Switzerland (`CHE`) and Norway.
 */
const VAT_FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}/,
  BE: /^[01]\d{9}/,
  BG: /^\d{9,10}/,
  CY: /^\d{8}[A-Z]/,
  CZ: /^\d{8,10}/,
  DE: /^\d{9}/,
  DK: /^\d{8}/,
  EE: /^\d{9}/,
  EL: /^\d{9}/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]/,
  FI: /^\d{8}/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}/,
  HR: /^\d{11}/,
  HU: /^\d{8}/,
  IE: /^(?:\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])/,
  IT: /^\d{11}/,
  LT: /^(?:\d{12}|\d{9})/,
  LU: /^\d{8}/,
  LV: /^\d{11}/,
  MT: /^\d{8}/,
  NL: /^\d{9}B\d{2}/,
  PL: /^\d{10}/,
  PT: /^\d{9}/,
  RO: /^\d{8,10}/,
  SE: /^\d{10}01/,
  SI: /^\d{8}/,
  SK: /^\d{10}/,
  GB: /^(?:\d{12}|\d{9}|GD\d{3}|HA\d{3})/,
  XI: /^(?:\d{12}|\d{9})/,
  CHE: /^\d{9}/,
  NO: /^\d{9}/,
};

export interface TaxIdMatch {
  /** Compact, upper case: `DE814729353`, `CHE116281710`. */
  taxId: string;
  /** Country prefix (`DE`, `CHE`). */
  country: string;
  start: number;
  end: number;
  /** The prefix was read with an OCR confusion (`1T` for `IT`) and repaired. */
  repaired?: boolean;
}

// Digits OCR reads for the capital letters of a country prefix (`1T0918…` is `IT0918…`).
const PREFIX_LOOKALIKES: Record<string, string> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B' };
const repairPrefix = (prefix: string) => prefix.replace(/[0158]/g, (d) => PREFIX_LOOKALIKES[d] ?? d);

/**
 * Every VAT id in `text`, however it is grouped (`DE 293 847 560`, `GB 284 1937 34`,
 * `CHE-116.281.710 MWST`, `FR44 732829320`). An id must end where its format ends (a longer run of
 * digits is an IBAN or a phone number, not a VAT id). A prefix with one digit OCR reads for a
 * letter (`1T`, `D5`) counts when the repaired prefix and the body make a valid id.
 *
 * @example
 * findVatIds('USt-IdNr.: DE814729353')[0].taxId // 'DE814729353'
 */
export function findVatIds(text: string): TaxIdMatch[] {
  const found: TaxIdMatch[] = [];
  for (const m of text.matchAll(
    /(?<![A-Za-z0-9])(CHE|[A-Z]{2}|[0158][A-Z]|[A-Z][0158])(?=[\s.-]?[0-9A-Z])/g,
  )) {
    const printed = m[1] ?? '';
    const country = repairPrefix(printed);
    const format = VAT_FORMATS[country];
    if (!format) continue;
    // Collect up to 16 compact characters, crossing single separators between alphanumerics.
    let compact = '';
    const positions: number[] = [];
    let index = m.index + printed.length;
    while (index < text.length && compact.length < 16) {
      const char = text[index] ?? '';
      if (/[A-Z0-9]/.test(char)) {
        compact += char;
        positions.push(index);
      } else if (!(/[\s.-]/.test(char) && /[A-Z0-9]/.test(text[index + 1] ?? ''))) break;
      index += 1;
    }
    const body = format.exec(compact)?.[0];
    if (!body) continue;
    // The id must not continue with more digits (then it was part of something longer).
    if (/\d/.test(compact[body.length] ?? '')) continue;
    const end = (positions[body.length - 1] ?? index) + 1;
    if (/[a-z0-9]/.test(text[end] ?? '')) continue;
    found.push({
      taxId: country + body,
      country,
      start: m.index,
      end,
      ...(printed !== country ? { repaired: true } : {}),
    });
  }
  return found;
}

/**
 * A tax id printed after a tax-id label that is not a VAT id (a US EIN `84-2719035`, an ABN):
 * the first token with at least six digits, spaces removed, dashes kept.
 */
export function labelledTaxId(value: string): string | undefined {
  const token = /[A-Z0-9][A-Z0-9./-]*(?: [A-Z0-9./-]+){0,4}/i.exec(
    value.replace(/^\([^)]{0,20}\)[:\s]*/, ''),
  );
  if (!token) return undefined;
  const compact = token[0].replace(/\s+/g, '').replace(/[./-]+$/, '');
  const digits = compact.replace(/\D/g, '').length;
  if (digits < 6 || compact.length > 20 || digits / compact.length < 0.6) return undefined;
  return compact;
}
