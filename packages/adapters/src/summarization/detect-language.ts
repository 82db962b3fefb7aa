import { STOPWORDS, SUMMARY_LANGUAGES, type SummaryLanguage, wordsOf } from './stopwords';

/** BCP 47 "undetermined", when no language has enough evidence. */
export const UNDETERMINED_LANGUAGE = 'und';

export interface LanguageGuess {
  language: SummaryLanguage | typeof UNDETERMINED_LANGUAGE;
  /** Share of the winner among all stopword hits, 0-1. */
  confidence: number;
}

/**
 * The language whose stopwords occur most often (en, de, fr, nl, es, it). Needs at least
 * three hits and a clear lead, so a table of numbers or a two-word label stays `und`.
 *
 * @example
 * detectLanguage('Sehr geehrte Damen und Herren, anbei die Rechnung für den Monat.') // { language: 'de', ... }
 */
export function detectLanguage(text: string, sampleChars = 20_000): LanguageGuess {
  const counts = new Map<SummaryLanguage, number>(SUMMARY_LANGUAGES.map((language) => [language, 0]));
  for (const word of wordsOf(text.slice(0, sampleChars))) {
    for (const language of SUMMARY_LANGUAGES) {
      if (STOPWORDS[language].has(word)) counts.set(language, (counts.get(language) ?? 0) + 1);
    }
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  const total = ranked.reduce((sum, [, count]) => sum + count, 0);
  if (!best || best[1] < 3 || best[1] <= (second?.[1] ?? 0))
    return { language: UNDETERMINED_LANGUAGE, confidence: 0 };
  return { language: best[0], confidence: Math.round((best[1] / total) * 100) / 100 };
}
