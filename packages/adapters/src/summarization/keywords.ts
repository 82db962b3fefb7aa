import { ALL_STOPWORDS, STOPWORDS, type SummaryLanguage, wordsOf } from './stopwords';

/** Frequent in business documents, yet say nothing about what one is about. */
const GENERIC = new Set([
  'page',
  'seite',
  'total',
  'summe',
  'nr',
  'no',
  'www',
  'http',
  'https',
  'com',
  'tel',
  'fax',
]);

/**
 * Term frequencies without stopwords (the detected language's, or all six when unknown),
 * short words and numbers.
 */
export function termFrequencies(text: string, language?: SummaryLanguage): Map<string, number> {
  const stop = language ? STOPWORDS[language] : ALL_STOPWORDS;
  const counts = new Map<string, number>();
  for (const word of wordsOf(text)) {
    if (word.length < 3 || stop.has(word) || GENERIC.has(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/**
 * The `limit` most frequent content words, ties broken by first occurrence.
 *
 * @example
 * topKeywords('Invoice for consulting. Consulting hours in November.', 'en', 2) // ['consulting', 'invoice']
 */
export function topKeywords(text: string, language?: SummaryLanguage, limit = 6): string[] {
  return [...termFrequencies(text, language).entries()]
    .filter(([, count]) => count >= 1)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([word]) => word);
}
