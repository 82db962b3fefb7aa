import type { DocumentSummary, SummarizeInput, Summarizer } from '@paperlane/core';
import { AbortedError, documentSummarySchema } from '@paperlane/core';
import { detectLanguage, UNDETERMINED_LANGUAGE } from './detect-language';
import { keyEntities } from './key-entities';
import { termFrequencies, topKeywords } from './keywords';
import { splitSentences } from './sentences';
import type { SummaryLanguage } from './stopwords';
import { wordsOf } from './stopwords';
import { parseSummarizeInput } from './summarize-input';

export interface ExtractiveSummarizerOptions {
  /** Sentences in the summary. Default 3. */
  sentences?: number;
  /** Characters of input read (the rest is ignored, so a huge document costs bounded CPU). Default 200 000. */
  maxInputChars?: number;
}

/** Lines that are mostly digits and punctuation (table rows, totals) make poor summary sentences. */
function isProse(sentence: string): boolean {
  const letters = sentence.match(/\p{L}/gu)?.length ?? 0;
  const words = wordsOf(sentence).length;
  // A trailing comma marks a salutation ("Dear Ms. Jones,", "Sehr geehrte Damen und Herren,").
  return words >= 4 && words <= 60 && letters / sentence.length > 0.55 && !sentence.endsWith(',');
}

/** The first short line that reads like a heading: letters, not a date or an amount line. */
function guessTitle(text: string, sentences: string[]): string {
  for (const line of text.split('\n').slice(0, 15)) {
    const candidate = line.trim().replace(/\s+/g, ' ');
    const letters = candidate.match(/\p{L}/gu)?.length ?? 0;
    if (
      candidate.length >= 3 &&
      candidate.length <= 120 &&
      letters >= 3 &&
      letters / candidate.length > 0.5
    ) {
      return candidate;
    }
  }
  const first = sentences[0];
  if (first) return first.length > 80 ? `${first.slice(0, 79)}…` : first;
  return 'Untitled document';
}

/**
 * An offline summarizer, so the pipeline completes without an LLM: sentence scoring by
 * content-word frequency with a bonus for early position, a title guess, key entities
 * (amounts, dates, names), topics (top keywords minus the language's stopwords) and the
 * language by stopword counts. `token_count` is 0: no model tokens were spent.
 *
 * @example
 * const summary = await createExtractiveSummarizer().summarize({ text: ocr.text });
 */
export function createExtractiveSummarizer(options: ExtractiveSummarizerOptions = {}): Summarizer {
  const wanted = options.sentences ?? 3;
  const maxInputChars = options.maxInputChars ?? 200_000;
  return {
    name: 'extractive',
    async summarize(raw: SummarizeInput): Promise<DocumentSummary> {
      if (raw.signal?.aborted) throw new AbortedError('summary aborted');
      const input = parseSummarizeInput(raw);
      const text = input.text.slice(0, maxInputChars).replace(/\r\n?/g, '\n');
      const guess = detectLanguage(text);
      const language: SummaryLanguage | undefined =
        guess.language === UNDETERMINED_LANGUAGE ? undefined : guess.language;
      const sentences = splitSentences(text);
      const frequencies = termFrequencies(text, language);

      const scored = sentences
        .map((sentence, index) => ({ sentence, index }))
        .filter(({ sentence }) => isProse(sentence))
        .map(({ sentence, index }) => {
          const words = wordsOf(sentence);
          const weight = words.reduce((sum, word) => sum + (frequencies.get(word) ?? 0), 0);
          // Normalise by sqrt(length) so long sentences do not win by size alone; favour the opening.
          const position = 1 + 1 / (1 + index / 5);
          return { sentence, index, score: (weight / Math.sqrt(words.length)) * position };
        })
        .sort((a, b) => b.score - a.score)
        .slice(0, wanted)
        .sort((a, b) => a.index - b.index);

      const summary =
        scored.length > 0
          ? scored.map(({ sentence }) => sentence).join(' ')
          : sentences.slice(0, wanted).join(' ').slice(0, 600);

      return documentSummarySchema.parse({
        summary,
        enhanced_metadata: {
          title: input.title?.trim() || guessTitle(text, sentences),
          key_entities: keyEntities(text),
          topics: topKeywords(text, language),
          language: guess.language,
        },
        token_count: 0,
        provider: 'extractive',
      });
    },
  };
}
