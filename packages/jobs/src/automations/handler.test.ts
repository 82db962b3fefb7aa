import {
  type DomainEvent,
  isPermanent,
  type JobContext,
  type JobRecord,
  NotFoundError,
  silentLogger,
  startTrace,
} from '@paperlane/core';
import type { AutomationAction, NewAutomation, Store } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRetrier } from './actions-retry';
import { createAutomationHandler } from './handler';
import { recordingQueue } from './test-queue';

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('automation-handler');
});
afterAll(async () => {
  await dynamo?.stop();
});

const NOW = new Date('2026-04-10T06:00:00Z');
const DAY = 86_400_000;
let counter = 0;

function harness(mailboxes: Record<string, string[]> = {}) {
  const { queue, requests } = recordingQueue(store.jobs, () => NOW);
  const events: DomainEvent[] = [];
  const retried: string[] = [];
  const resent: string[] = [];
  const retrier = createJobRetrier({
    jobs: store.jobs,
    resend: async (jobs) => void resent.push(...jobs.map((j) => j.jobId)),
    clock: { now: () => NOW },
    sweepGraceMs: 60_000,
  });
  const handler = createAutomationHandler({
    store,
    queue,
    events: { publish: async (event) => void events.push(event) },
    listMailboxIds: async (tenantId, userId) => mailboxes[`${tenantId}/${userId}`] ?? [],
    retryJob: async (ref) => {
      retried.push(ref.jobId);
      return retrier(ref);
    },
  });
  return { handler, requests, events, retried, resent };
}

async function addAutomation(
  tenantId: string,
  action: AutomationAction,
  overrides: Partial<NewAutomation> = {},
) {
  const automationId = `aut_h${++counter}`;
  await store.automations.create({
    tenantId,
    tenantUserId: 'user-1',
    automationId,
    name: 'test',
    schedule: 'cron(0 6 * * *)',
    timezone: 'UTC',
    action,
    enabled: true,
    nextRunAt: NOW,
    now: new Date(NOW.getTime() - 30 * DAY),
    ...overrides,
  });
  return automationId;
}

function context(payload: JobContext<'automation'>['payload'], attempt = 1): JobContext<'automation'> {
  const job = {
    jobId: `job_ctx${++counter}`,
    tenantId: payload.tenantId,
    createdAt: NOW.toISOString(),
    maxAttempts: 3,
  } as JobRecord;
  return {
    job,
    payload,
    attempt,
    signal: new AbortController().signal,
    progress: async () => true,
    logger: silentLogger,
    span: startTrace(),
  };
}

async function invoiceJob(tenantId: string, jobId: string, at: Date, outcome: 'failed' | 'complete') {
  await store.jobs.create({
    tenantId,
    jobId,
    queue: 'invoice-processing',
    payload: { tenantId, invoiceId: jobId },
    priority: 'low',
    traceId: 't',
    maxAttempts: 1,
    targetType: 'invoice',
    targetId: jobId,
    now: at,
    availableAt: at,
    sweepAt: new Date(at.getTime() + 60_000),
  });
  if (outcome === 'failed') {
    await store.jobs.fail({ tenantId, jobId, error: 'ocr failed', errorCode: 'ocr', now: at });
    return;
  }
  const claim = await store.jobs.claim({ tenantId, jobId, now: at, leaseMs: 60_000 });
  if (claim.outcome !== 'claimed') throw new Error('claim failed');
  await store.jobs.complete({ tenantId, jobId, attempt: claim.job.attempts, now: at });
}

const scheduled = NOW.toISOString();

describe('automation handler', () => {
  it('sync_mailboxes enqueues one email-sync per mailbox, once per run, and records the run', async () => {
    const automationId = await addAutomation('tenant-m', { type: 'sync_mailboxes' });
    const { handler, requests } = harness({ 'tenant-m/user-1': ['mbx_1', 'mbx_2', 'mbx_1'] });
    const payload = { tenantId: 'tenant-m', tenantUserId: 'user-1', automationId, scheduledAt: scheduled };
    expect(await handler(context(payload))).toMatchObject({ mailboxes: 2, enqueued: 2 });
    expect(requests.map((r) => [r.queue, r.payload])).toEqual([
      ['email-sync', { tenantId: 'tenant-m', mailboxId: 'mbx_1' }],
      ['email-sync', { tenantId: 'tenant-m', mailboxId: 'mbx_2' }],
    ]);
    const record = await store.automations.get({ tenantId: 'tenant-m', automationId });
    expect(record).toMatchObject({
      lastRunAt: scheduled,
      lastResult: { status: 'ok', summary: { enqueued: 2 } },
    });
    // A redelivered job for the same run does nothing more.
    expect(await handler(context(payload))).toMatchObject({ skipped: 'already_ran' });
    expect(requests).toHaveLength(2);
  });

  it('retry_failed_invoices requeues the tenant’s failed invoice jobs of the last N days only', async () => {
    const tenantId = 'tenant-r';
    await invoiceJob(tenantId, 'job_recent', new Date(NOW.getTime() - 2 * DAY), 'failed');
    await invoiceJob(tenantId, 'job_old', new Date(NOW.getTime() - 10 * DAY), 'failed');
    await invoiceJob('tenant-other', 'job_foreign', new Date(NOW.getTime() - DAY), 'failed');
    const automationId = await addAutomation(tenantId, { type: 'retry_failed_invoices', days: 7 });
    const { handler, retried, resent } = harness();
    const result = await handler(
      context({ tenantId, tenantUserId: 'user-1', automationId, scheduledAt: scheduled }),
    );
    expect(result).toMatchObject({ found: 1, retried: 1 });
    expect(retried).toEqual(['job_recent']);
    expect(resent).toEqual(['job_recent']);
    expect((await store.jobs.get({ tenantId, jobId: 'job_recent' }))?.status).toBe('pending');
    expect((await store.jobs.get({ tenantId, jobId: 'job_old' }))?.status).toBe('failed');
    expect((await store.jobs.get({ tenantId: 'tenant-other', jobId: 'job_foreign' }))?.status).toBe('failed');
  });

  it('digest counts invoices processed since the last run and publishes one event per run', async () => {
    const tenantId = 'tenant-d';
    const lastRun = new Date(NOW.getTime() - DAY);
    await invoiceJob(tenantId, 'job_before', new Date(lastRun.getTime() - 1000), 'complete');
    await invoiceJob(tenantId, 'job_in_1', new Date(lastRun.getTime() + 1000), 'complete');
    await invoiceJob(tenantId, 'job_in_2', new Date(NOW.getTime() - 1000), 'complete');
    await invoiceJob(tenantId, 'job_failed', new Date(NOW.getTime() - 1000), 'failed');
    const automationId = await addAutomation(tenantId, { type: 'digest', event: 'reports.daily_digest' });
    await store.automations.recordRun({ tenantId, automationId, runAt: lastRun, result: { status: 'ok' } });
    const { handler, events } = harness();
    expect(
      await handler(context({ tenantId, tenantUserId: 'user-1', automationId, scheduledAt: scheduled })),
    ).toMatchObject({
      invoices_processed: 2,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      tenantId,
      type: 'reports.daily_digest',
      payload: {
        automation_id: automationId,
        invoices_processed: 2,
        since: lastRun.toISOString(),
        until: scheduled,
      },
    });
    expect(events[0]?.id).toMatch(/^evt_/);
  });

  it('refuses another user’s or another tenant’s automation as not found, permanently', async () => {
    const automationId = await addAutomation('tenant-x', { type: 'digest' });
    const { handler, events } = harness();
    for (const payload of [
      { tenantId: 'tenant-x', tenantUserId: 'intruder', automationId },
      { tenantId: 'tenant-y', tenantUserId: 'user-1', automationId },
    ]) {
      const error = await handler(context(payload)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
    }
    const missing = await handler(context({ tenantId: 'tenant-x', tenantUserId: 'user-1' })).catch(
      (e: unknown) => e,
    );
    expect(isPermanent(missing)).toBe(true);
    expect(events).toHaveLength(0);
  });

  it('skips a disabled automation and records a permanent failure', async () => {
    const disabled = await addAutomation('tenant-s', { type: 'digest' }, { enabled: false });
    const { handler } = harness({ 'tenant-s/user-1': ['bad#id'] });
    expect(
      await handler(context({ tenantId: 'tenant-s', tenantUserId: 'user-1', automationId: disabled })),
    ).toMatchObject({
      skipped: 'disabled',
    });
    const syncing = await addAutomation('tenant-s', { type: 'sync_mailboxes' });
    const error = await handler(
      context({
        tenantId: 'tenant-s',
        tenantUserId: 'user-1',
        automationId: syncing,
        scheduledAt: scheduled,
      }),
    ).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect(
      (await store.automations.get({ tenantId: 'tenant-s', automationId: syncing }))?.lastResult,
    ).toMatchObject({
      status: 'error',
    });
  });
});
