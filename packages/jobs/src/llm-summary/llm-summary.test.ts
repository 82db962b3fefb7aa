import { createOpenAiClient } from '@paperlane/adapters/extraction';
import { encryptedPdf, notDocuments } from '@paperlane/adapters/files/test-support/hostile-files';
import { createLlmSummarizer, createSummarizer } from '@paperlane/adapters/summarization';
import {
  blobKeys,
  errorCode,
  isPermanent,
  type OcrProvider,
  RetryableError,
  type Summarizer,
} from '@paperlane/core';
import {
  approximateTokens,
  type OpenAiFake,
  type OpenAiFakeRequest,
  startFakeOpenAi,
} from '@paperlane/testing/fakes/openai-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInvoiceProcessingHandler } from '../invoice-processing/handler';
import { type DocumentHarness, startDocumentHarness } from '../invoice-processing/test-harness';
import { createLlmSummaryHandler } from './handler';

let h: DocumentHarness;
beforeAll(async () => {
  h = await startDocumentHarness();
});
afterAll(async () => {
  await h?.stop();
});

const encoder = new TextEncoder();

/** Counts calls through a port, around the real implementation. */
function countingOcr(ocr: OcrProvider) {
  const counter = { calls: 0 };
  const provider: OcrProvider = {
    name: ocr.name,
    recognize: (input) => {
      counter.calls += 1;
      return ocr.recognize(input);
    },
  };
  return { provider, counter };
}
function countingSummarizer(summarizer: Summarizer) {
  const counter = { calls: 0 };
  const counted: Summarizer = {
    name: summarizer.name,
    summarize: (input) => {
      counter.calls += 1;
      return summarizer.summarize(input);
    },
  };
  return { summarizer: counted, counter };
}

async function summarize(ids: { tenantId: string; documentId: string }, deps = h.deps()) {
  const ctx = await h.context('llm-summary', { tenantId: ids.tenantId, documentId: ids.documentId });
  return { result: await createLlmSummaryHandler(deps)(ctx), ctx };
}

const failure = (ids: { tenantId: string; documentId: string }, deps = h.deps()) =>
  summarize(ids, deps).then(
    () => {
      throw new Error('the job succeeded');
    },
    (error: unknown) => error,
  );

/** A document whose OCR text (as the invoice job stores it) is `text`. */
async function withText(text: string) {
  const ids = await h.seed(encryptedPdf());
  await h.blobs.put(blobKeys.ocrText(ids.tenantId, ids.documentId), encoder.encode(text), {
    contentType: 'text/plain; charset=utf-8',
  });
  return ids;
}

describe('llm-summary job, offline (extractive)', () => {
  it('summarizes the text the invoice job stored, without OCR again', async () => {
    const { tenantId, invoiceId, documentId } = await h.ingest('de-letter.pdf');
    await createInvoiceProcessingHandler(h.deps())(
      await h.context('invoice-processing', { tenantId, invoiceId }),
    );
    const { provider, counter } = countingOcr(h.deps().ocr);

    const { result, ctx } = await summarize({ tenantId, documentId }, h.deps({ ocr: provider }));

    expect(counter.calls).toBe(0);
    const summary = (await h.store.documents.get({ tenantId, documentId }))?.summary;
    expect(summary).toMatchObject({
      provider: 'extractive',
      token_count: 0,
      enhanced_metadata: { title: 'de-letter.pdf', language: 'de' },
    });
    expect(summary?.summary.length).toBeGreaterThan(20);
    expect(summary?.enhanced_metadata.key_entities.length).toBeGreaterThan(0);
    expect(result).toEqual({
      document_id: documentId,
      provider: 'extractive',
      language: 'de',
      token_count: 0,
    });
    expect(ctx.progressValues.at(-1)).toBe(100);
  });

  it('reads the document itself, with the invoice job’s code, when no text was stored', async () => {
    const { tenantId, documentId } = await h.ingest('nl-classic.pdf');
    const { provider, counter } = countingOcr(h.deps().ocr);
    const { result } = await summarize({ tenantId, documentId }, h.deps({ ocr: provider }));
    expect(counter.calls).toBe(1);
    // What it read is reported, so budgets charge it (a text layer costs no OCR page).
    expect(result).toMatchObject({ ocr_provider: 'pdf-text', ocr_pages: 1 });
    const stored = await h.blobs.get(blobKeys.ocrText(tenantId, documentId));
    expect(new TextDecoder().decode(stored)).toMatch(/Factuur/);
    expect((await h.store.documents.get({ tenantId, documentId }))?.summary?.enhanced_metadata.language).toBe(
      'nl',
    );
  });

  it('is idempotent: a summarized document costs no further summarizer call', async () => {
    const ids = await withText(
      'Acme Corp bills the annual support contract. The total is EUR 1,200.00 due in 30 days.',
    );
    const { summarizer, counter } = countingSummarizer(h.deps().summarizer);
    await summarize(ids, h.deps({ summarizer }));
    const first = (await h.store.documents.get(ids))?.summary;
    const { result } = await summarize(ids, h.deps({ summarizer }));
    expect(result).toMatchObject({ already_done: true, provider: 'extractive' });
    expect(counter.calls).toBe(1);
    expect((await h.store.documents.get(ids))?.summary).toEqual(first);
  });

  it.each([
    ['blank stored text', () => withText(' \n\t '), 'no_text'],
    ['an encrypted PDF without text', () => h.seed(encryptedPdf()), 'encrypted_pdf'],
    ['HTML renamed to .pdf', () => h.seed(notDocuments.html), 'unsupported_file_type'],
    ['an empty file', () => h.seed(new Uint8Array()), 'empty_file'],
  ])('fails %s permanently with its reason', async (_, make, code) => {
    const ids = await make();
    const error = await failure(ids);
    expect(isPermanent(error)).toBe(true);
    expect(errorCode(error)).toBe(code);
    expect((await h.store.documents.get(ids))?.summary).toBeUndefined();
  });

  it('refuses stored text over its cap, and a summarizer that returns nonsense', async () => {
    const big = await withText('word '.repeat(1000));
    const tooBig = await failure(big, h.deps({ limits: { maxFileBytes: 1 << 20, maxTextBytes: 1000 } }));
    expect(errorCode(tooBig)).toBe('file_too_large');

    const ids = await withText('Acme Corp bills the annual support contract for EUR 1,200.00.');
    const broken: Summarizer = { name: 'broken', summarize: async () => ({ summary: 42 }) as never };
    const invalid = await failure(ids, h.deps({ summarizer: broken }));
    expect(isPermanent(invalid)).toBe(true);
    expect(errorCode(invalid)).toBe('invalid_summary');
    expect((await h.store.documents.get(ids))?.summary).toBeUndefined();
  });
});

describe('llm-summary job with an LLM (real openai SDK against the local fake)', () => {
  const CONTEXT_TOKENS = 2_000;
  const USAGE = { prompt_tokens: 100, completion_tokens: 20 };
  let fake: OpenAiFake;
  let llm: Summarizer;
  /** The LLM summarizer alone, without the wiring's offline fallback: its errors reach the job. */
  let bare: Summarizer;

  const schemaName = (request: OpenAiFakeRequest | undefined) =>
    (request?.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name;
  const messagesOf = (request: OpenAiFakeRequest) =>
    request.body.messages as { role: string; content: string }[];

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-summary-job' });
    // Built from settings as the wiring builds it, with a small context so chunking shows.
    llm = createSummarizer({
      SUMMARIZER: 'openai',
      OPENAI_API_KEY: 'sk-summary-job',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODEL: 'gpt-summary-test',
      SUMMARIZER_CONTEXT_TOKENS: String(CONTEXT_TOKENS),
    });
    bare = createLlmSummarizer({
      client: createOpenAiClient({ apiKey: 'sk-summary-job', baseUrl: fake.baseUrl }),
      model: 'gpt-summary-test',
      contextTokens: CONTEXT_TOKENS,
    });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.handle((request) =>
      schemaName(request) === 'chunk_notes'
        ? {
            json: {
              notes: 'Acme delivered part of the order.',
              key_entities: ['Acme Corp'],
              topics: ['delivery'],
            },
            usage: USAGE,
          }
        : {
            json: {
              summary: 'Acme Corp invoices the annual support contract.',
              enhanced_metadata: {
                title: 'Support contract invoice',
                key_entities: ['Acme Corp', 'EUR 1,200.00'],
                topics: ['support', 'invoice'],
                language: 'EN',
              },
            },
            usage: USAGE,
          },
    );
  });

  it('summarizes a short document in one call and records the tokens used', async () => {
    const ids = await withText('Acme Corp bills the annual support contract. The total is EUR 1,200.00.');
    const { result } = await summarize(ids, h.deps({ summarizer: llm }));
    expect(fake.requests).toHaveLength(1);
    expect(schemaName(fake.requests[0])).toBe('document_summary');
    const summary = (await h.store.documents.get(ids))?.summary;
    expect(summary).toEqual({
      summary: 'Acme Corp invoices the annual support contract.',
      enhanced_metadata: {
        title: 'Support contract invoice',
        key_entities: ['Acme Corp', 'EUR 1,200.00'],
        topics: ['support', 'invoice'],
        language: 'en',
      },
      token_count: 120,
      provider: 'openai:gpt-summary-test',
    });
    expect(result).toMatchObject({ provider: 'openai:gpt-summary-test', token_count: 120, language: 'en' });
  });

  it('map-reduces a long document: every call fits the context, the final call sees notes, not the text', async () => {
    const paragraph = (i: number) =>
      `Section ${i}. Acme Corp delivered ${i * 10} units of part ${1000 + i} to the Rotterdam warehouse; ` +
      'the goods were inspected, counted and accepted without remarks by the receiving clerk on duty.';
    const text = Array.from({ length: 160 }, (_, i) => paragraph(i + 1)).join('\n\n');
    expect(approximateTokens(text)).toBeGreaterThan(CONTEXT_TOKENS * 3);
    const ids = await withText(text);

    const { result } = await summarize(ids, h.deps({ summarizer: llm }));

    const names = fake.requests.map(schemaName);
    const maps = names.filter((name) => name === 'chunk_notes').length;
    expect(maps).toBeGreaterThanOrEqual(4);
    expect(names.at(-1)).toBe('document_summary');
    for (const request of fake.requests) {
      const prompt = messagesOf(request)
        .map((m) => m.content)
        .join('\n');
      expect(approximateTokens(prompt) + Number(request.body.max_completion_tokens)).toBeLessThanOrEqual(
        CONTEXT_TOKENS,
      );
    }
    // Every paragraph reached some map call.
    const mapped = fake.requests
      .filter((r) => schemaName(r) === 'chunk_notes')
      .map((r) => messagesOf(r)[1]?.content);
    for (const i of [1, 80, 160])
      expect(mapped.some((content) => content?.includes(`Section ${i}.`))).toBe(true);
    const finalPrompt = messagesOf(fake.requests.at(-1)!)[1]?.content ?? '';
    expect(finalPrompt).toContain('Acme delivered part of the order.');
    expect(finalPrompt).not.toContain('Section 1.');
    expect(result).toMatchObject({ token_count: 120 * fake.requests.length });
  });

  it('a bare LLM summarizer: a 429 fails the attempt as retryable with the server’s wait, and records nothing', async () => {
    fake.reply({ error: { status: 429, message: 'Rate limit reached for requests' }, retryAfter: '7' });
    const ids = await withText('Acme Corp bills the annual support contract for EUR 1,200.00.');
    const error = await failure(ids, h.deps({ summarizer: bare }));
    expect(error).toBeInstanceOf(RetryableError);
    expect(isPermanent(error)).toBe(false);
    expect(error).toMatchObject({ code: 'llm_rate_limited', retryAfterMs: 7000 });
    expect((await h.store.documents.get(ids))?.summary).toBeUndefined();
    // The job's retry then completes: nothing was half-written.
    await summarize(ids, h.deps({ summarizer: bare }));
    expect((await h.store.documents.get(ids))?.summary?.provider).toBe('openai:gpt-summary-test');
  });

  it.each([
    [{ status: 400, message: 'Invalid value for messages' }, 'llm_bad_request'],
    [{ status: 401 }, 'llm_auth_failed'],
  ])('a bare LLM summarizer: an HTTP %o fails the job permanently (%s)', async (apiError, code) => {
    fake.reply({ error: apiError });
    const ids = await withText('Acme Corp bills the annual support contract for EUR 1,200.00.');
    const error = await failure(ids, h.deps({ summarizer: bare }));
    expect(isPermanent(error)).toBe(true);
    expect(errorCode(error)).toBe(code);
    expect((await h.store.documents.get(ids))?.summary).toBeUndefined();
  });

  it('a bare LLM summarizer: a 500 is retryable', async () => {
    fake.reply({ error: { status: 500 } });
    const error = await failure(
      await withText('Acme Corp bills support for EUR 1,200.00.'),
      h.deps({ summarizer: bare }),
    );
    expect(error).toBeInstanceOf(RetryableError);
    expect(errorCode(error)).toBe('llm_unavailable');
  });

  it.each([
    [{ status: 500 }],
    [{ status: 429, message: 'Rate limit reached for requests' }],
    [{ status: 401 }],
  ])('as wired, OpenAI failing with %o gives the offline summary and the job completes', async (apiError) => {
    fake.handle(() => ({ error: apiError }));
    const ids = await withText(
      'Acme Corp bills the annual support contract. The total is EUR 1,200.00, due on 1 March 2026.',
    );
    const { result } = await summarize(ids, h.deps({ summarizer: llm }));
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
    const summary = (await h.store.documents.get(ids))?.summary;
    expect(summary?.provider).toBe('extractive');
    expect(summary?.summary).toContain('Acme Corp');
    expect(result).toMatchObject({ provider: 'extractive' });
  });
});
