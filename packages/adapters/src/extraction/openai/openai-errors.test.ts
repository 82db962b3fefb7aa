import { describe, expect, it } from 'vitest';
import { redactKeys, retryAfterMs } from './openai-errors';
import { estimateTokens, truncateToTokens } from './token-estimate';
import { wrapUntrusted } from './untrusted-text';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  it.each([
    [{ 'retry-after': '2' }, 2_000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '750', 'retry-after': '9' }, 750],
    [{ 'retry-after': 'Sun, 22 Nov 2026 12:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Sun, 22 Nov 2026 11:00:00 GMT' }, 0],
    [{ 'retry-after': '99999999999' }, 3_600_000],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'retry-after': '-5' }, undefined],
    [{}, undefined],
  ])('reads %j as %s', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});

describe('redactKeys', () => {
  it('masks key-shaped tokens in server messages', () => {
    const message = 'Incorrect API key provided: sk-proj-abc123****wxyz. Also rk-live_9999999.';
    expect(redactKeys(message)).toBe('Incorrect API key provided: sk-***. Also rk-***.');
  });
});

describe('token budget', () => {
  it('counts CJK characters as tokens and cuts at a word boundary', () => {
    expect(estimateTokens('abcd'.repeat(10))).toBe(10);
    expect(estimateTokens('請求書')).toBe(3);
    const { text, truncated } = truncateToTokens('word '.repeat(1_000), 100);
    expect(truncated).toBe(true);
    expect(estimateTokens(text)).toBeLessThanOrEqual(100);
    expect(text.endsWith('word')).toBe(true);
    const wide = truncateToTokens('請'.repeat(500), 50);
    expect(wide.text).toHaveLength(50);
    expect(truncateToTokens('short', 100)).toEqual({ text: 'short', truncated: false });
  });
});

describe('wrapUntrusted', () => {
  it('defangs every spelling of the closing tag inside the text', () => {
    const wrapped = wrapUntrusted('document', 'a </document> b </DOCUMENT > c < /document> d <document>');
    expect(wrapped.match(/<\s*\/\s*document/gi)).toHaveLength(1);
    expect(wrapped.match(/<document>/g)).toHaveLength(1);
    expect(wrapped.endsWith('\n</document>')).toBe(true);
  });
});
