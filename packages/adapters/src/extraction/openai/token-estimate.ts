/**
 * Approximate token counting. Exact counts need the model's tokenizer (megabytes of BPE
 * tables per model family, and unknown for arbitrary OpenAI-compatible servers); budgets only
 * need to be safely on the high side. BPE tokenizers average ~4 characters a token for
 * European text and about one token per CJK character, so those are counted separately.
 */

const WIDE = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

/**
 * @example
 * estimateTokens('Invoice total 12.00 EUR') // 6
 */
export function estimateTokens(text: string): number {
  const wide = text.match(WIDE)?.length ?? 0;
  return Math.ceil((text.length - wide) / 4) + wide;
}

/**
 * The longest prefix of `text` estimated at no more than `maxTokens`, cut at whitespace where
 * one is near, so a word is not split.
 *
 * @example
 * truncateToTokens(hugeText, 8000) // { text: '…', truncated: true }
 */
export function truncateToTokens(text: string, maxTokens: number): { text: string; truncated: boolean } {
  if (estimateTokens(text) <= maxTokens) return { text, truncated: false };
  // Start from the character bound (exact for narrow text) and shrink until the estimate fits.
  let end = Math.max(0, Math.floor(maxTokens * 4));
  while (end > 0 && estimateTokens(text.slice(0, end)) > maxTokens) {
    end -= Math.max(1, estimateTokens(text.slice(0, end)) - maxTokens);
  }
  const space = text.lastIndexOf(' ', end);
  const cut = space > end - 200 && space > 0 ? space : end;
  return { text: text.slice(0, cut), truncated: true };
}
