/** ISO 4217 codes invoices in our markets print; anything else in capitals is more likely a word. */
const CURRENCY_CODES = new Set([
  'EUR',
  'USD',
  'GBP',
  'CHF',
  'JPY',
  'CAD',
  'AUD',
  'NZD',
  'SEK',
  'NOK',
  'DKK',
  'ISK',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BGN',
  'HRK',
  'TRY',
  'RUB',
  'UAH',
  'INR',
  'CNY',
  'HKD',
  'SGD',
  'ZAR',
  'BRL',
  'MXN',
  'ARS',
  'CLP',
  'COP',
  'AED',
  'SAR',
  'ILS',
  'KRW',
  'THB',
  'MYR',
  'IDR',
  'PHP',
]);

const SYMBOL_CODES: Record<string, string> = {
  US$: 'USD',
  CA$: 'CAD',
  C$: 'CAD',
  AU$: 'AUD',
  A$: 'AUD',
  NZ$: 'NZD',
  HK$: 'HKD',
  S$: 'SGD',
  R$: 'BRL',
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
  zł: 'PLN',
  '₺': 'TRY',
  'Fr.': 'CHF',
  'SFr.': 'CHF',
  // Ringgit and rupees print as letters: `RM 85.54` (Malaysia), `Rs. 170.00` (India).
  RM: 'MYR',
  'Rs.': 'INR',
  Rs: 'INR',
};

// One pass over the text: prefixed dollars are listed before the bare `$`, so `CA$` is not USD;
// a three-letter code must stand alone (`EURL`, a French company form, is not euros), and
// `Mo.-Fr. 08.30` (opening hours) is a weekday range, not francs.
const CURRENCY_TOKEN =
  /(?<![A-Za-z])(?:US|CA|AU|NZ|HK)\$|(?<![A-Za-z])[CASR]\$|\$|€|£|¥|₹|zł|₺|(?<![A-Za-z.\-–])S?Fr\.(?=\s?\d)|(?<![A-Za-z])RM(?![A-Za-z])|(?<![A-Za-z])Rs\.?(?=\s?\d)|(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])/g;

export interface CurrencyMention {
  code: string;
  /** As printed: `$` alone is read as USD but is also the peso sign (see dollarSignCurrency). */
  token: string;
  start: number;
  end: number;
}

/**
 * Every currency printed in `text`, as ISO codes: symbols (`€`, `£`, `$`, `CA$`) and codes
 * (`EUR`, `CHF`).
 *
 * @example
 * findCurrencies('Total CHF 9’540.00').map((c) => c.code) // ['CHF']
 */
export function findCurrencies(text: string): CurrencyMention[] {
  const found: CurrencyMention[] = [];
  for (const match of text.matchAll(CURRENCY_TOKEN)) {
    const token = match[0];
    const code = SYMBOL_CODES[token] ?? (CURRENCY_CODES.has(token) ? token : undefined);
    if (code) found.push({ code, token, start: match.index, end: match.index + token.length });
  }
  return found;
}

/** Whether an ISO code is one we recognise. */
export function isCurrencyCode(code: string): boolean {
  return CURRENCY_CODES.has(code);
}

const EURO_COUNTRIES = new Set([
  'AT',
  'BE',
  'CY',
  'DE',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'EL',
  'HR',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PT',
  'SI',
  'SK',
]);
const COUNTRY_CURRENCY: Record<string, string> = {
  GB: 'GBP',
  XI: 'GBP',
  CH: 'CHF',
  CHE: 'CHF',
  LI: 'CHF',
  SE: 'SEK',
  DK: 'DKK',
  NO: 'NOK',
  PL: 'PLN',
  CZ: 'CZK',
  HU: 'HUF',
  RO: 'RON',
  BG: 'BGN',
  US: 'USD',
};

/**
 * The currency a country invoices in, for documents that print amounts without any symbol:
 * the country comes from the vendor's VAT id or IBAN.
 */
export function currencyOfCountry(country: string): string | undefined {
  if (EURO_COUNTRIES.has(country)) return 'EUR';
  return COUNTRY_CURRENCY[country];
}

// Where a bare `$` is the peso: the country shows in its tax ids, its tax authority or the amount
// in words (`Son PESOS ...`, `expresado en PESOS ARGENTINOS`).
const PESO_COUNTRIES: readonly [RegExp, string][] = [
  [/\bC\.?U\.?I\.?T\.?\b|\bAFIP\b|pesos argentinos/i, 'ARS'],
  [/\bR\.?F\.?C\.?\s*:?\s*[A-Z&Ñ]{3,4}\d{6}|pesos mexicanos/i, 'MXN'],
  [/\bR\.?U\.?T\.?\s*:?\s*\d{1,2}\.?\d{3}\.?\d{3}-[\dkK]\b|pesos chilenos/i, 'CLP'],
  [/pesos colombianos/i, 'COP'],
];

/**
 * The currency a bare `$` stands for in this document: a peso where the text shows its country
 * (an Argentine CUIT, a Mexican RFC, a Chilean RUT, the currency named in words), else USD.
 *
 * @example
 * dollarSignCurrency('CUIT: 30-50001770-4  Importe Total: $ 228250,00') // 'ARS'
 * dollarSignCurrency('Total due: $120.00') // 'USD'
 */
export function dollarSignCurrency(text: string): string {
  for (const [pattern, code] of PESO_COUNTRIES) if (pattern.test(text)) return code;
  return 'USD';
}
