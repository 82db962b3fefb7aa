import { ConfigError } from '@paperlane/core';
import { type OpenAiFake, startFakeOpenAi } from '@paperlane/testing/fakes/openai-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSummarizer, parseSummarizerConfig } from './create-summarizer';

let fake: OpenAiFake;
beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-config-test-123456' });
});
afterAll(() => fake.close());

describe('createSummarizer', () => {
  it('is extractive without a key, treating an empty key as unset', () => {
    expect(createSummarizer({}).name).toBe('extractive');
    expect(createSummarizer({ OPENAI_API_KEY: '  ' }).name).toBe('extractive');
    expect(createSummarizer({ OPENAI_API_KEY: 'sk-x', SUMMARIZER: 'extractive' }).name).toBe('extractive');
  });

  it('uses OpenAI when a key is set, with the configured model and defaults', () => {
    const config = parseSummarizerConfig({
      OPENAI_API_KEY: 'sk-x',
      OPENAI_MODEL: '',
      SUMMARIZER: ' OpenAI ',
    });
    expect(config).toMatchObject({
      SUMMARIZER: 'openai',
      OPENAI_MODEL: 'gpt-4o-mini',
      OPENAI_TIMEOUT_MS: 60_000,
      SUMMARIZER_CONTEXT_TOKENS: 16_000,
    });
    expect(createSummarizer({ OPENAI_API_KEY: 'sk-x', OPENAI_MODEL: 'llama3.1' }).name).toBe(
      'openai:llama3.1',
    );
  });

  it('rejects bad configuration naming the keys, never the values', () => {
    expect(() => createSummarizer({ SUMMARIZER: 'openai' })).toThrow(ConfigError);
    const error = (() => {
      try {
        parseSummarizerConfig({
          SUMMARIZER: 'gpt',
          OPENAI_TIMEOUT_MS: 'soon',
          OPENAI_API_KEY: 'sk-secret-value',
        });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/SUMMARIZER.*OPENAI_TIMEOUT_MS/);
    expect(error?.message).not.toContain('sk-secret-value');
    expect(() => parseSummarizerConfig({ OPENAI_BASE_URL: 'file:///etc/passwd' })).toThrow(/OPENAI_BASE_URL/);
  });

  it('reaches the configured OpenAI-compatible base URL with the configured key', async () => {
    fake.reply({
      json: {
        summary: 'A short note.',
        enhanced_metadata: { title: 'Note', key_entities: [], topics: ['note'], language: 'en' },
      },
    });
    const summarizer = createSummarizer({
      OPENAI_API_KEY: 'sk-config-test-123456',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODEL: 'local-model',
    });
    const summary = await summarizer.summarize({ text: 'This is a short note about nothing in particular.' });
    expect(summary).toMatchObject({ summary: 'A short note.', provider: 'openai:local-model' });
    expect(fake.requests.at(-1)?.body.model).toBe('local-model');
  });
});
