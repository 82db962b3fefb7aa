import { ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store';
import { startTestDynamo, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let store: Store;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore();
});

afterAll(async () => {
  await dynamo?.stop();
});

const periodStart = new Date('2026-12-01T00:00:00.000Z');
const expiresAt = new Date('2027-02-05T00:00:00.000Z');

describe('tenant budget store', () => {
  it('adds each job once to its period; periods and tenants are separate', async () => {
    const charge = (jobId: string, tenantId = 'budget-t1', start = periodStart) =>
      store.budgets.charge({
        tenantId,
        jobId,
        periodStart: start,
        expiresAt,
        spent: { ocr_pages: 3, llm_tokens: 100 },
      });
    expect(await charge('j1')).toBe(true);
    expect(await charge('j1')).toBe(false);
    expect(await charge('j2')).toBe(true);
    expect(await store.budgets.usage({ tenantId: 'budget-t1', periodStart })).toEqual({
      ocr_pages: 6,
      llm_tokens: 200,
    });
    await charge('j3', 'budget-t2');
    await charge('j4', 'budget-t1', new Date('2027-01-01T00:00:00.000Z'));
    expect(await store.budgets.usage({ tenantId: 'budget-t1', periodStart })).toEqual({
      ocr_pages: 6,
      llm_tokens: 200,
    });
    expect(await store.budgets.usage({ tenantId: 'budget-none', periodStart })).toEqual({
      ocr_pages: 0,
      llm_tokens: 0,
    });
  });

  it.each([
    ['a negative amount', { tenantId: 't', jobId: 'j', spent: { ocr_pages: -1, llm_tokens: 0 } }],
    ['a fractional amount', { tenantId: 't', jobId: 'j', spent: { ocr_pages: 0.5, llm_tokens: 0 } }],
    ['an extra metric', { tenantId: 't', jobId: 'j', spent: { ocr_pages: 1, llm_tokens: 0, gpu: 1 } }],
    [
      'a tenant id with the key separator',
      { tenantId: 't#x', jobId: 'j', spent: { ocr_pages: 1, llm_tokens: 0 } },
    ],
  ])('refuses %s', async (_, input) => {
    await expect(
      store.budgets.charge({
        ...(input as Parameters<Store['budgets']['charge']>[0]),
        periodStart,
        expiresAt,
      }),
    ).rejects.toThrow(ValidationError);
  });
});
