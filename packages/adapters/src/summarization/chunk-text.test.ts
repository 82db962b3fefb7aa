import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../extraction/openai/token-estimate';
import { chunkText } from './chunk-text';

describe('chunkText', () => {
  it('packs paragraphs into chunks within the budget, losing no words', () => {
    const paragraphs = Array.from(
      { length: 50 },
      (_, i) => `Paragraph ${i} talks about topic ${i} at some length.`,
    );
    const chunks = chunkText(paragraphs.join('\n\n'), 100);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => estimateTokens(chunk) <= 100)).toBe(true);
    expect(chunks.join('\n\n')).toBe(paragraphs.join('\n\n'));
  });

  it('splits an oversized paragraph by sentences and an endless word by hard cuts', () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const chunks = chunkText(`${sentences}\n\n${'x'.repeat(5_000)}`, 50);
    expect(chunks.every((chunk) => estimateTokens(chunk) <= 50)).toBe(true);
    expect(chunks.join('').replace(/\s/g, '')).toBe(`${sentences}${'x'.repeat(5_000)}`.replace(/\s/g, ''));
  });

  it('returns nothing for blank text', () => {
    expect(chunkText(' \n\n \n', 100)).toEqual([]);
  });
});
