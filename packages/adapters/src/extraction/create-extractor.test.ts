import { ConfigError } from '@paperlane/core';
import { type OpenAiFake, startFakeOpenAi } from '@paperlane/testing/fakes/openai-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor, parseExtractorConfig } from './create-extractor';

let fake: OpenAiFake;
beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'sk-extractor-config-1234' });
});
afterAll(() => fake.close());

const invoice = 'ACME Supplies Ltd\nInvoice No: INV-7781\nInvoice date: 2026-10-01\nTotal: 120.00 EUR';

describe('createExtractor', () => {
  it('extracts offline with rules when no key is configured', async () => {
    for (const env of [{}, { OPENAI_API_KEY: '' }, { OPENAI_API_KEY: 'sk-x', EXTRACTOR: 'rules' }]) {
      expect(parseExtractorConfig(env).EXTRACTOR).toBe('rules');
    }
    const extractor = createExtractor({ OPENAI_API_KEY: '' });
    expect(extractor.name).toBe('rules');
    const fields = await extractor.extract({ text: invoice });
    expect(fields.provider).toBe('rules');
  });

  it('defaults to OpenAI when a key is set', () => {
    const config = parseExtractorConfig({ OPENAI_API_KEY: 'sk-x' });
    expect(config).toMatchObject({
      EXTRACTOR: 'openai',
      OPENAI_MODEL: 'gpt-4o-mini',
      OPENAI_TIMEOUT_MS: 60_000,
      EXTRACTOR_MAX_INPUT_TOKENS: 12_000,
    });
    expect(createExtractor({ OPENAI_API_KEY: 'sk-x', OPENAI_MODEL: 'gpt-4.1-mini' }).name).toBe(
      'openai:gpt-4.1-mini',
    );
  });

  it('rejects bad configuration naming the keys, never the values', () => {
    expect(() => createExtractor({ EXTRACTOR: 'openai', OPENAI_API_KEY: ' ' })).toThrow(
      expect.objectContaining({ code: 'missing_openai_api_key' }),
    );
    let error: unknown;
    try {
      parseExtractorConfig({ EXTRACTOR: 'regex', OPENAI_TIMEOUT_MS: '5', OPENAI_API_KEY: 'sk-do-not-print' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/EXTRACTOR.*OPENAI_TIMEOUT_MS/);
    expect((error as Error).message).not.toContain('sk-do-not-print');
  });

  it('talks to the configured OpenAI-compatible server end to end', async () => {
    const nothing = Object.fromEntries(
      ['vendorTaxId', 'invoiceDate', 'dueDate', 'subtotal', 'tax', 'iban'].map((name) => [name, null]),
    );
    fake.reply({
      json: {
        ...nothing,
        vendorName: 'ACME Supplies Ltd',
        invoiceNumber: 'INV-7781',
        currency: 'EUR',
        total: 120,
        lineItems: [],
        confidence: {
          ...nothing,
          vendorName: 0.9,
          invoiceNumber: 0.9,
          currency: null,
          total: 0.8,
        },
      },
    });
    const extractor = createExtractor({
      EXTRACTOR: 'openai',
      OPENAI_API_KEY: 'sk-extractor-config-1234',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODEL: 'local-llm',
    });
    const fields = await extractor.extract({ text: invoice });
    expect(fields).toMatchObject({
      vendorName: 'ACME Supplies Ltd',
      total: 120,
      provider: 'openai:local-llm',
    });
    expect(fake.requests.at(-1)?.body.model).toBe('local-llm');
  });
});
