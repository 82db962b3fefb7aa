import { ALL_STOPWORDS } from './stopwords';

const CURRENCY = '(?:[€$£¥]|EUR|USD|GBP|CHF|JPY|SEK|NOK|DKK|PLN|CZK|CAD|AUD)';
const NUMBER = String.raw`\d{1,3}(?:[.,'\u00a0 ]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
const AMOUNT = new RegExp(
  String.raw`${CURRENCY}\s?(?:${NUMBER})(?![\d])|(?<![\d.,])(?:${NUMBER})\s?${CURRENCY}`,
  'g',
);

const MONTHS = [
  'january february march april may june july august september october november december',
  'januar februar märz april mai juni juli august september oktober november dezember',
  'janvier février mars avril mai juin juillet août septembre octobre novembre décembre',
  'januari februari maart april mei juni juli augustus september oktober november december',
  'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre',
  'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre',
]
  .join(' ')
  .split(' ');
const MONTH = `(?:${[...new Set(MONTHS)].join('|')}|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|okt|nov|dec|dez)\\.?`;
const DATE = new RegExp(
  [
    String.raw`\b\d{4}-\d{2}-\d{2}\b`,
    String.raw`\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b`,
    String.raw`\b\d{1,2}\.?\s(?:de\s)?${MONTH}\s(?:de\s)?\d{4}\b`,
    String.raw`\b${MONTH}\s\d{1,2},?\s\d{4}\b`,
  ].join('|'),
  'giu',
);

/** Words that mark an organisation, so one capitalised word before them is still a name. */
const COMPANY_SUFFIX = /^(?:GmbH|AG|KG|SE|Ltd|LLC|Inc|Corp|BV|NV|SA|SAS|SARL|SRL|SpA|SL|Oy|AB|plc)\.?$/;
const NAME = /\p{Lu}[\p{L}\p{M}&'’.-]*(?:\s+(?:\p{Lu}[\p{L}\p{M}&'’.-]*|&|von|van|der|de|la|di))*\s*/gu;

function unique(values: string[], limit: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    const key = value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
    if (out.length >= limit) break;
  }
  return out;
}

/** Runs of capitalised words (two or more, or one with a company suffix), most frequent first. */
function names(text: string): string[] {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    for (const match of line.matchAll(NAME)) {
      const parts = match[0].trim().split(/\s+/);
      // Sentence-initial stopwords ("The", "Der") are capitalised by grammar, not because they name anything.
      while (parts.length > 0 && ALL_STOPWORDS.has(parts[0]!.toLowerCase())) parts.shift();
      while (parts.length > 0 && ALL_STOPWORDS.has(parts.at(-1)!.toLowerCase())) parts.pop();
      const isCompany = parts.length >= 2 && COMPANY_SUFFIX.test(parts.at(-1)!);
      if (parts.length < 2 || parts.length > 5) continue;
      if (!isCompany && parts.every((part) => /^\p{Lu}+$/u.test(part))) continue; // SHOUTED headings
      const name = parts.join(' ').replace(/[.,]$/, '');
      counts.set(name, (counts.get(name) ?? 0) + (isCompany ? 3 : 1));
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

/**
 * Amounts with a currency, dates, and names (capitalised word runs, organisations first),
 * deduplicated, at most `limit` in all, amounts and dates first because invoices are about them.
 *
 * @example
 * keyEntities('Muster GmbH\nTotal: 1.234,56 EUR due 03.12.2026') // ['1.234,56 EUR', '03.12.2026', 'Muster GmbH']
 */
export function keyEntities(text: string, limit = 15): string[] {
  const amounts = [...text.matchAll(AMOUNT)].map((match) => match[0].trim());
  const dates = [...text.matchAll(DATE)].map((match) => match[0].trim());
  return unique([...unique(amounts, 5), ...unique(dates, 5), ...names(text)], limit);
}
