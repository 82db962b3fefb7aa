import type { UploadResponse } from '@paperlane/api';
import { budgetPeriod } from '@paperlane/core';
import { invoiceFixture, type RedisServer, startRedis } from '@paperlane/testing';
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
