import {
  budgetPeriod,
  errorCode,
  isPermanent,
  type JobContext,
  type JobResult,
  type TenantBudgetPolicy,
} from '@paperlane/core';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetedSummary } from './budgeted-handler';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

const NOW = new Date('2030-03-10T12:00:00Z');
const clock = { now: () => NOW };
const policy: TenantBudgetPolicy = { period: 'month', limits: () => ({ ocr_pages: 10, llm_tokens: 1000 }) };

/** What the consumer hands the summary job (only the fields the budget reads). */
const summaryContext = (tenantId: string, jobId: string) =>
  ({
    job: { tenantId, jobId },
    payload: { tenantId, documentId: 'doc_1' },
  }) as unknown as JobContext<'llm-summary'>;

/** The summary job's part, answering `result` and counting its runs. */
function summaryJob(result: JobResult) {
  const runs = { count: 0 };
  return {
    runs,
    handler: async () => {
      runs.count++;
      return result;
    },
  };
}

describe('budgets on the llm-summary job', () => {
  it("charges the tokens it used and the pages it OCR'd itself; a text layer or a finished summary costs nothing", async () => {
    const store = await dynamo.freshStore();
    const usage = () =>
      store.budgets.usage({ tenantId: 't1', periodStart: budgetPeriod(NOW, 'month').start });
    const cases: Array<[JobResult, { ocr_pages: number; llm_tokens: number }]> = [
      [
        { token_count: 300, ocr_provider: 'tesseract', ocr_pages: 2 },
        { ocr_pages: 2, llm_tokens: 300 },
      ],
      [
        { token_count: 100, ocr_provider: 'pdf-text', ocr_pages: 4 },
        { ocr_pages: 2, llm_tokens: 400 },
      ],
      [
        { already_done: true, provider: 'openai:x' },
        { ocr_pages: 2, llm_tokens: 400 },
      ],
      // Whatever else a result may carry, only whole positive counts are charged.
      [
        { token_count: -5, ocr_pages: 1.5, ocr_provider: 'tesseract' },
        { ocr_pages: 2, llm_tokens: 400 },
      ],
    ];
    for (const [index, [result, expected]] of cases.entries()) {
      const job = summaryJob(result);
      await budgetedSummary(job.handler, { store, policy, clock })(summaryContext('t1', `job_${index}`));
      expect(await usage(), JSON.stringify(result)).toEqual(expected);
    }
    // A redelivered job that ran again is not charged twice.
    const again = summaryJob({ token_count: 300, ocr_provider: 'tesseract', ocr_pages: 2 });
    await budgetedSummary(again.handler, { store, policy, clock })(summaryContext('t1', 'job_0'));
    expect(await usage()).toEqual({ ocr_pages: 2, llm_tokens: 400 });
  });

  it('refuses a tenant whose tokens are used up before any model call, for good, with the reason', async () => {
    const store = await dynamo.freshStore();
    const periodStart = budgetPeriod(NOW, 'month').start;
    await store.budgets.charge({
      tenantId: 't2',
      jobId: 'job_before',
      periodStart,
      expiresAt: new Date(NOW.getTime() + 90 * 24 * 3600_000),
      spent: { ocr_pages: 0, llm_tokens: 1000 },
    });
    const job = summaryJob({ token_count: 1 });
    const error = await budgetedSummary(job.handler, { store, policy, clock })(
      summaryContext('t2', 'job_x'),
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isPermanent(error)).toBe(true);
    expect(errorCode(error)).toBe('tenant_budget_exhausted');
    expect(String(error)).toContain('LLM token budget is used up (1000 of 1000); it resets at 2030-04-01');
    expect(job.runs.count).toBe(0);
    // Another tenant is not affected.
    await budgetedSummary(job.handler, { store, policy, clock })(summaryContext('t3', 'job_y'));
    expect(job.runs.count).toBe(1);
  });
});
