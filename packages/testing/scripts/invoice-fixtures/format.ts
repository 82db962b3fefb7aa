/** How a fixture prints numbers: the grouping and decimal marks differ by locale. */
export type NumberStyle = 'en' | 'de' | 'fr' | 'ch' | 'ch-typo' | 'plain-comma';

/** How a fixture prints dates. */
export type DateStyle =
  | 'iso'
  | 'dmy-slash'
  | 'mdy-slash'
  | 'dmy-dot'
  | 'dmy-dot-short'
  | 'dmy-dash'
  | 'd-month'
  | 'd-mon-dot'
  | 'mon-d-y'
  | 'es-long';

export type Lang = 'en' | 'de' | 'fr' | 'nl' | 'es' | 'it';

const MONTHS: Record<Lang, readonly string[]> = {
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  de: [
    'Januar',
    'Februar',
    'März',
    'April',
    'Mai',
    'Juni',
    'Juli',
    'August',
    'September',
    'Oktober',
    'November',
    'Dezember',
  ],
  fr: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
  nl: [
    'januari',
    'februari',
    'maart',
    'april',
    'mei',
    'juni',
    'juli',
    'augustus',
    'september',
    'oktober',
    'november',
    'december',
  ],
  es: [
    'enero',
    'febrero',
    'marzo',
    'abril',
    'mayo',
    'junio',
    'julio',
    'agosto',
    'septiembre',
    'octubre',
    'noviembre',
    'diciembre',
  ],
  it: [
    'gennaio',
    'febbraio',
    'marzo',
    'aprile',
    'maggio',
    'giugno',
    'luglio',
    'agosto',
    'settembre',
    'ottobre',
    'novembre',
    'dicembre',
  ],
};

const pad = (n: number) => String(n).padStart(2, '0');

/** Prints an amount the way the style's locale does, always with two decimals. */
export function formatNumber(value: number, style: NumberStyle): string {
  const [int = '0', dec = '00'] = Math.abs(value).toFixed(2).split('.');
  const group = { en: ',', de: '.', fr: '\u00a0', ch: "'", 'ch-typo': '\u2019', 'plain-comma': '' }[style];
  const decimal = style === 'en' || style === 'ch' || style === 'ch-typo' ? '.' : ',';
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${value < 0 ? '-' : ''}${grouped}${decimal}${dec}`;
}

/** `pattern` holds `#` where the number goes, e.g. `# €`, `$#`, `CHF #`. */
export function formatMoney(value: number, style: NumberStyle, pattern: string): string {
  return pattern.replace('#', formatNumber(value, style));
}

/** Prints an ISO date (`2026-11-03`) in the given style and language. */
export function formatDate(iso: string, style: DateStyle, lang: Lang): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const month = MONTHS[lang][m - 1] ?? '';
  switch (style) {
    case 'iso':
      return iso;
    case 'dmy-slash':
      return `${pad(d)}/${pad(m)}/${y}`;
    case 'mdy-slash':
      return `${pad(m)}/${pad(d)}/${y}`;
    case 'dmy-dot':
      return `${pad(d)}.${pad(m)}.${y}`;
    case 'dmy-dot-short':
      return `${pad(d)}.${pad(m)}.${String(y).slice(2)}`;
    case 'dmy-dash':
      return `${pad(d)}-${pad(m)}-${y}`;
    case 'd-month':
      return lang === 'de' ? `${d}. ${month} ${y}` : `${d} ${month} ${y}`;
    case 'd-mon-dot':
      return `${d}. ${month.slice(0, 3)}${month.length > 3 ? '.' : ''} ${y}`;
    case 'mon-d-y':
      return `${month.slice(0, 3)} ${d}, ${y}`;
    case 'es-long':
      return `${d} de ${month} de ${y}`;
  }
}
