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
        taxes: [],
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

describe('createExtractor with OpenAI: fallback and arithmetic check', () => {
  const receipt = [
    'Brightwater Stationery Ltd',
    'Invoice No: BW-2291',
    'Invoice date: 2026-09-14',
    'Subtotal 200.00 GBP',
    'VAT 20% 40.00 GBP',
    'Total 240.00 GBP',
  ].join('\n');
  const nulls = Object.fromEntries(
    ['vendorTaxId', 'invoiceDate', 'dueDate', 'iban', 'currency'].map((name) => [name, null]),
  );
  const answer = (amounts: { subtotal: number; tax: number; total: number }) => ({
    ...nulls,
    vendorName: 'Brightwater Stationery Ltd',
    invoiceNumber: 'BW-2291',
    ...amounts,
    lineItems: [],
    taxes: [],
    confidence: {
      ...nulls,
      vendorName: 0.9,
      invoiceNumber: 0.9,
      subtotal: 0.9,
      tax: 0.9,
      total: 0.9,
    },
  });
  const wired = (events: unknown[]) =>
    createExtractor(
      {
        EXTRACTOR: 'openai',
        OPENAI_API_KEY: 'sk-extractor-config-1234',
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_MODEL: 'local-llm',
      },
      { onFallback: (event) => events.push(event) },
    );

  it.each([
    [{ error: { status: 500 } }, 'llm_unavailable'],
    [{ error: { status: 401 } }, 'llm_auth_failed'],
    [{ raw: '<html>bad gateway</html>', status: 200, contentType: 'text/html' }, undefined],
  ] as const)('answers with the rules when the provider fails (%o)', async (reply, code) => {
    fake.reply(reply);
    const events: unknown[] = [];
    const fields = await wired(events).extract({ text: receipt });
    expect(fields).toMatchObject({
      provider: 'rules',
      total: 240,
      subtotal: 200,
      tax: 40,
      invoiceNumber: 'BW-2291',
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: 'provider_failed' });
    if (code) expect(events[0]).toMatchObject({ code });
  });

  it("keeps the model's answer when its amounts add up", async () => {
    fake.reply({ json: answer({ subtotal: 200, tax: 40, total: 240 }) });
    const events: unknown[] = [];
    const fields = await wired(events).extract({ text: receipt });
    expect(fields).toMatchObject({ provider: 'openai:local-llm', total: 240 });
    expect(fields.confidence.total).toBe(0.9);
    expect(events).toEqual([]);
  });

  it("takes the rules' amounts when the model's do not add up and the rules' do", async () => {
    // The model swapped two digits of the total: 200 + 40 is not 420.
    fake.reply({ json: answer({ subtotal: 200, tax: 40, total: 420 }) });
    const events: unknown[] = [];
    const fields = await wired(events).extract({ text: receipt });
    expect(fields).toMatchObject({
      provider: 'openai:local-llm',
      vendorName: 'Brightwater Stationery Ltd',
      subtotal: 200,
      tax: 40,
      total: 240,
    });
    expect(events).toEqual([{ reason: 'amounts_inconsistent' }]);
  });

  it("takes the rules' breakdown when the model's tax per rate contradicts its tax total", async () => {
    // 20 % of 200 is 40, but the model put the tax at 4.00 in its breakdown.
    fake.reply({
      json: {
        ...answer({ subtotal: 200, tax: 40, total: 240 }),
        taxes: [{ rate: 20, base: 200, amount: 4 }],
      },
    });
    const events: unknown[] = [];
    const fields = await wired(events).extract({ text: receipt });
    expect(fields).toMatchObject({ provider: 'openai:local-llm', tax: 40, total: 240 });
    expect(fields.taxes).toEqual([{ rate: 20, amount: 40 }]);
    expect(events).toEqual([{ reason: 'amounts_inconsistent' }]);
  });

  it("keeps the model's consistent tax breakdown", async () => {
    fake.reply({
      json: {
        ...answer({ subtotal: 200, tax: 40, total: 240 }),
        taxes: [{ rate: 20, base: 200, amount: 40 }],
      },
    });
    const fields = await wired([]).extract({ text: receipt });
    expect(fields.taxes).toEqual([{ rate: 20, base: 200, amount: 40 }]);
  });

  it("keeps the model's amounts with low confidence when nothing can confirm them", async () => {
    fake.reply({ json: answer({ subtotal: 200, tax: 40, total: 420 }) });
    const fields = await wired([]).extract({ text: 'Brightwater Stationery Ltd\nInvoice No: BW-2291' });
    expect(fields.total).toBe(420);
    expect(fields.confidence.total).toBeLessThanOrEqual(0.4);
    expect(fields.confidence.vendorName).toBe(0.9);
  });

  it('still throws when the caller cancelled', async () => {
    fake.reply({ hang: true });
    const controller = new AbortController();
    const pending = wired([]).extract({ text: receipt, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
  });
});
