import { estimateTokens, truncateToTokens } from '../extraction/openai/token-estimate';
import { splitSentences } from './sentences';

/** Splits a piece that alone exceeds the budget: by sentence, then by hard cuts. */
function splitOversized(piece: string, maxTokens: number): string[] {
  const out: string[] = [];
  for (const sentence of splitSentences(piece)) {
    let rest = sentence;
    while (estimateTokens(rest) > maxTokens) {
      const head = truncateToTokens(rest, maxTokens).text;
      // Guard against a cut that makes no progress (a single enormous "word").
      const cut = head.length > 0 ? head.length : Math.max(1, maxTokens * 4);
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).trimStart();
    }
    if (rest) out.push(rest);
  }
  return out;
}

/**
 * Splits text into chunks of at most `maxTokens` (approximate), at paragraph breaks where
 * possible, then sentences, then hard cuts, packing neighbours together so there are few calls.
 *
 * @example
 * chunkText(longReport, 4_000) // ['…first ~4k tokens…', '…', …]
 */
export function chunkText(text: string, maxTokens: number): string[] {
  const budget = Math.max(1, Math.floor(maxTokens));
  const pieces = text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .flatMap((paragraph) =>
      estimateTokens(paragraph) > budget ? splitOversized(paragraph, budget) : [paragraph],
    );
  const chunks: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const joined = current ? `${current}\n\n${piece}` : piece;
    if (current && estimateTokens(joined) > budget) {
      chunks.push(current);
      current = piece;
    } else {
      current = joined;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}
