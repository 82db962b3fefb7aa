import { createExtractor } from '@paperlane/adapters/extraction';
import { INVOICE_FIELD_NAMES, type InvoiceFields } from '@paperlane/core';
import { expectedInvoiceFields } from '@paperlane/testing';
import { type OpenAiFake, positionedLines, startFakeOpenAi } from '@paperlane/testing/fakes/openai-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInvoiceProcessingHandler } from './handler';
import { type DocumentHarness, startDocumentHarness } from './test-harness';

// The invoice job wired as in production with OpenAI configured: the real SDK against the
// local fake, the real text layer, the rules as the fallback.
let h: DocumentHarness;
let fake: OpenAiFake;

beforeAll(async () => {
  [h, fake] = await Promise.all([startDocumentHarness(), startFakeOpenAi({ apiKey: 'sk-job-test-1234' })]);
});
afterAll(async () => {
  await Promise.all([h?.stop(), fake?.close()]);
});
beforeEach(() => {
  fake.requests.length = 0;
});

const events: { reason: string }[] = [];
const wired = () =>
  h.deps({
    extractor: createExtractor(
      {
        EXTRACTOR: 'openai',
        OPENAI_API_KEY: 'sk-job-test-1234',
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_MODEL: 'gpt-job-test',
      },
      { onFallback: (event) => events.push(event) },
    ),
  });

async function process(fileName: string) {
  const { tenantId, invoiceId } = await h.ingest(fileName);
  const handler = createInvoiceProcessingHandler(wired());
  const result = await handler(await h.context('invoice-processing', { tenantId, invoiceId }));
  return { result, invoice: await h.store.invoices.get({ tenantId, invoiceId }) };
}

/** The generated fixture's expected fields (the harness ingests the same files). */
const expected = async (name: string) => (await expectedInvoiceFields(name)) as Partial<InvoiceFields>;

const nulls = Object.fromEntries(INVOICE_FIELD_NAMES.map((name) => [name, null]));

describe('invoice-processing with the OpenAI extractor', () => {
  it("sends the PDF's positioned lines, and stores the fields the model read from them", async () => {
    const want = await expected('en-us-classic');
    fake.handle((request) => {
      const lines = positionedLines(request);
      // The line printing the invoice number, as a model reading the layout would find it.
      const numbered = lines.find((line) => line.text.includes(want.invoiceNumber!));
      return {
        json: {
          ...nulls,
          invoiceNumber: numbered ? want.invoiceNumber : null,
          total: want.total,
          currency: want.currency,
          lineItems: [],
          taxes: [],
          confidence: { ...nulls, invoiceNumber: 0.9, total: 0.9, currency: 0.9 },
        },
      };
    });
    const { result, invoice } = await process('en-us-classic.pdf');
    expect(result).toMatchObject({ status: 'processed', extractor: 'openai:gpt-job-test' });
    expect(invoice?.fields).toMatchObject({ invoiceNumber: want.invoiceNumber, total: want.total });
    const lines = positionedLines(fake.requests[0]!);
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((line) => line.page === 1 && line.x >= 0 && line.x <= 1000 && line.y <= 1000)).toBe(
      true,
    );
  });

  it('completes with the rules when OpenAI is down', async () => {
    const want = await expected('en-us-classic');
    fake.handle(() => ({ error: { status: 503, message: 'overloaded' } }));
    events.length = 0;
    const { result, invoice } = await process('en-us-classic.pdf');
    expect(result).toMatchObject({ status: 'processed', extractor: 'rules' });
    expect(invoice?.fields).toMatchObject({ invoiceNumber: want.invoiceNumber, total: want.total });
    expect(events[0]).toMatchObject({ reason: 'provider_failed' });
  });

  it("takes the rules' amounts when the model's do not add up", async () => {
    const want = await expected('en-us-classic');
    fake.handle(() => ({
      json: {
        ...nulls,
        invoiceNumber: want.invoiceNumber,
        subtotal: want.subtotal,
        tax: want.tax,
        // Two digits swapped: subtotal + tax no longer make it.
        total: (want.total ?? 0) + 9,
        lineItems: [],
        taxes: [],
        confidence: { ...nulls, invoiceNumber: 0.9, subtotal: 0.9, tax: 0.9, total: 0.9 },
      },
    }));
    events.length = 0;
    const { invoice } = await process('en-us-classic.pdf');
    expect(invoice?.fields?.total).toBe(want.total);
    expect(events).toEqual([{ reason: 'amounts_inconsistent' }]);
  });
});
