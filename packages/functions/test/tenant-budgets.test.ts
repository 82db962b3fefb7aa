import type { UploadResponse } from '@paperlane/api';
import { budgetPeriod } from '@paperlane/core';
import { invoiceFixture, type RedisServer, startRedis } from '@paperlane/testing';
import { type OpenAiFake, startFakeOpenAi } from '@paperlane/testing/fakes/openai-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobHandlers } from '../src/handlers';
import { type ApiHarness, awaitJobsSettled, startApi, uploadForm } from './support/api-harness';

interface JobView {
  job_id: string;
  queue: string;
  status: string;
  error_code?: string;
  error?: string;
}

const runtimes = [
  { name: 'SQS lanes (embedded fauxqs)', redis: false },
  { name: 'BullMQ (redis-server)', redis: true },
] as const;

/**
 * OCR-page budgets end to end, with the real job modules and real OCR (tesseract) on both
 * runtimes: the consumer charges what OCR read and refuses a job once the budget is used
 * up; the API then answers 429 with Retry-After. One job runs at a time per tenant
 * (fair share cap 1), so which job finds the budget used up is decided, not raced.
 */
describe.each(runtimes)('tenant budgets on $name', ({ redis: useRedis }) => {
  let redis: RedisServer | undefined;
  let api: ApiHarness;

  beforeAll(async () => {
    redis = useRedis ? await startRedis() : undefined;
    api = await startApi({
      env: {
        ...(redis ? { REDIS_URL: redis.url } : {}),
        TENANT_BUDGET_OCR_PAGES: '1',
        TENANT_BUDGETS: JSON.stringify({ roomy: { ocr_pages: 1000 } }),
        FAIR_SHARE_MAX_IN_FLIGHT: '1',
      },
      handlers: createJobHandlers,
      workers: true,
    });
  });
  afterAll(async () => {
    await api?.close();
    await redis?.stop();
  });

  const upload = async (tenantId: string, names: string[]) =>
    api.call(tenantId, '/api/upload', {
      method: 'POST',
      body: uploadForm(
        await Promise.all(
          names.map(async (name) => ({
            name,
            blob: new Blob([await invoiceFixture(name)], { type: 'image/jpeg' }),
          })),
        ),
      ),
    });

  it('charges the pages OCR read, fails the job that finds the budget used up, then answers 429', async () => {
    const tenantId = `budget-${useRedis ? 'bull' : 'sqs'}`;
    const response = await upload(tenantId, ['de-receipt.jpg', 'en-ie-receipt.jpg']);
    expect(response.status).toBe(202);
    const body = (await response.json()) as UploadResponse;
    await awaitJobsSettled(
      api.container,
      tenantId,
      body.jobs.map((job) => job.job_id),
    );
    const ocrJobs = await Promise.all(
      body.jobs
        .filter((job) => job.queue === 'invoice-processing')
        .map(async (job) => (await (await api.call(tenantId, `/api/jobs/${job.job_id}`)).json()) as JobView),
    );
    expect(ocrJobs.map((job) => job.status).sort()).toEqual(['complete', 'failed']);
    const refused = ocrJobs.find((job) => job.status === 'failed');
    expect(refused?.error_code).toBe('tenant_budget_exhausted');
    const usage = await api.container.store.budgets.usage({
      tenantId,
      periodStart: budgetPeriod(new Date(), 'month').start,
    });
    expect(usage.ocr_pages).toBe(1);

    const again = await upload(tenantId, ['de-receipt.jpg']);
    expect(again.status).toBe(429);
    const retryAfter = Number(again.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(31 * 24 * 3600);
    const error = ((await again.json()) as { error: { code: string; details: string[] } }).error;
    expect(error.code).toBe('tenant_budget_exhausted');
    expect(error.details).toContain('metric:ocr_pages');

    // Budgets are per tenant: another tenant, and one with its own larger budget, go on.
    await api.container.store.budgets.charge({
      tenantId: 'roomy',
      jobId: 'job_charged_before',
      periodStart: budgetPeriod(new Date(), 'month').start,
      expiresAt: new Date(Date.now() + 3600_000),
      spent: { ocr_pages: 5, llm_tokens: 0 },
    });
    expect((await api.call('roomy', '/api/documents/doc_none/reprocess', { method: 'POST' })).status).toBe(
      404,
    );
  });
});

/** A model answer the summarizer accepts, with the tokens the fake reports it cost. */
const SUMMARY_REPLY = {
  json: {
    summary: 'An invoice for consulting services.',
    enhanced_metadata: { title: 'Invoice', key_entities: ['Acme'], topics: ['invoice'], language: 'en' },
  },
  usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
};

/**
 * LLM-token budgets on the summary job, both runtimes: summaries come from the OpenAI wire
 * format (the local fake), invoices from PDF text layers and the rules extractor, so every
 * token charged is a summary's. The tenant may spend 100 tokens; one summary costs 120.
 * Summaries run one at a time per tenant (cap 1), and the first model call is answered only
 * once both invoices are read, so neither invoice job is refused and the second summary is
 * the one that finds the budget used up.
 */
describe.each(runtimes)('LLM-token budgets on the summary job on $name', ({ redis: useRedis }) => {
  let redis: RedisServer | undefined;
  let fake: OpenAiFake;
  let api: ApiHarness;
  let invoicesRead: () => void = () => {};
  const invoicesReadOnce = new Promise<void>((resolve) => {
    invoicesRead = resolve;
  });

  beforeAll(async () => {
    redis = useRedis ? await startRedis() : undefined;
    fake = await startFakeOpenAi({ apiKey: 'sk-budget-test' });
    fake.handle(async () => {
      await invoicesReadOnce;
      return SUMMARY_REPLY;
    });
    api = await startApi({
      env: {
        ...(redis ? { REDIS_URL: redis.url } : {}),
        EXTRACTOR: 'rules',
        SUMMARIZER: 'openai',
        OPENAI_API_KEY: 'sk-budget-test',
        OPENAI_BASE_URL: fake.baseUrl,
        TENANT_BUDGET_LLM_TOKENS: '100',
        FAIR_SHARE_MAX_IN_FLIGHT: '1',
      },
      handlers: createJobHandlers,
      workers: true,
    });
  });
  afterAll(async () => {
    invoicesRead();
    await api?.close();
    await fake?.close();
    await redis?.stop();
  });

  it('charges the tokens a summary used and refuses the next summary with the coded reason, once', async () => {
    const tenantId = `tokens-${useRedis ? 'bull' : 'sqs'}`;
    const files = await Promise.all(
      ['en-us-classic.pdf', 'fr-classic.pdf'].map(async (name) => ({
        name,
        blob: new Blob([await invoiceFixture(name)], { type: 'application/pdf' }),
      })),
    );
    const response = await api.call(tenantId, '/api/upload', { method: 'POST', body: uploadForm(files) });
    expect(response.status).toBe(202);
    const body = (await response.json()) as UploadResponse;
    const invoiceJobIds = body.jobs.filter((job) => job.queue === 'invoice-processing').map((j) => j.job_id);
    expect(await awaitJobsSettled(api.container, tenantId, invoiceJobIds)).toEqual(
      new Map(invoiceJobIds.map((id) => [id, 'complete'])),
    );
    const getJob = async (jobId: string) =>
      (await (await api.call(tenantId, `/api/jobs/${jobId}`)).json()) as JobView & {
        attempts: number;
        result?: Record<string, unknown>;
      };
    const summaryJobIds = await Promise.all(
      invoiceJobIds.map(async (id) => String((await getJob(id)).result?.summary_job_id)),
    );
    invoicesRead();
    await awaitJobsSettled(api.container, tenantId, summaryJobIds);

    const summaries = await Promise.all(summaryJobIds.map(getJob));
    expect(summaries.map((job) => job.status).sort()).toEqual(['complete', 'failed']);
    const done = summaries.find((job) => job.status === 'complete');
    expect(done?.result).toMatchObject({ token_count: 120 });
    const refused = summaries.find((job) => job.status === 'failed');
    // Failed for good on its first attempt: no retries spending again, no second model call.
    expect(refused).toMatchObject({ error_code: 'tenant_budget_exhausted', attempts: 1 });
    expect(refused?.error).toContain('LLM token budget is used up (120 of 100)');
    expect(fake.requests).toHaveLength(1);
    const usage = await api.container.store.budgets.usage({
      tenantId,
      periodStart: budgetPeriod(new Date(), 'month').start,
    });
    expect(usage).toMatchObject({ llm_tokens: 120, ocr_pages: 0 });

    const again = await api.call(tenantId, '/api/upload', { method: 'POST', body: uploadForm(files) });
    expect(again.status).toBe(429);
    expect(((await again.json()) as { error: { details: string[] } }).error.details).toContain(
      'metric:llm_tokens',
    );
  });
});
