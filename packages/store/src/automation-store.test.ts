import { ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAutomation } from './automation';
import { createJobWindowQueries } from './automation-job-window';
import type { Store } from './store';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('automations');
});
afterAll(async () => {
  await dynamo?.stop();
});

const MIN = 60_000;

function automation(overrides: Partial<NewAutomation> = {}): NewAutomation {
  return {
    tenantId: 'tenant-a',
    tenantUserId: 'user-1',
    automationId: `aut_${Math.random().toString(36).slice(2)}`,
    name: 'Nightly sync',
    schedule: 'cron(0 2 * * *)',
    timezone: 'Europe/Berlin',
    action: { type: 'sync_mailboxes' },
    enabled: true,
    nextRunAt: at(10 * MIN),
    now: T0,
    ...overrides,
  };
}

describe('automation store', () => {
  it('creates idempotently and reads back the record', async () => {
    const input = automation({ action: { type: 'retry_failed_invoices', days: 7 } });
    const first = await store.automations.create(input);
    const second = await store.automations.create({ ...input, name: 'other' });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, automation: { name: 'Nightly sync', revision: 1 } });
    expect(await store.automations.get(input)).toEqual(first.automation);
    expect(first.automation.nextRunAt).toBe(at(10 * MIN).toISOString());
  });

  it('lists per owner and per tenant, never another tenant', async () => {
    const tenantId = 'tenant-list';
    await store.automations.create(automation({ tenantId, tenantUserId: 'alice', automationId: 'aut_1' }));
    await store.automations.create(automation({ tenantId, tenantUserId: 'alice', automationId: 'aut_2' }));
    await store.automations.create(automation({ tenantId, tenantUserId: 'bob', automationId: 'aut_3' }));
    await store.automations.create(
      automation({ tenantId: 'tenant-other', tenantUserId: 'alice', automationId: 'aut_4' }),
    );
    const alice = await store.automations.list(tenantId, { tenantUserId: 'alice' });
    expect(alice.items.map((a) => a.automationId)).toEqual(['aut_1', 'aut_2']);
    const all = await store.automations.list(tenantId);
    expect(all.items.map((a) => a.automationId).sort()).toEqual(['aut_1', 'aut_2', 'aut_3']);
    const page = await store.automations.list(tenantId, { limit: 2 });
    expect(page.items).toHaveLength(2);
    const rest = await store.automations.list(tenantId, { limit: 2, cursor: page.cursor! });
    expect(rest.items).toHaveLength(1);
    // A cursor from one owner's listing cannot be replayed against another partition.
    await expect(store.automations.list('tenant-other', { cursor: page.cursor! })).rejects.toThrow(
      ValidationError,
    );
  });

  it('finds due automations across tenants through the sparse index, not disabled ones', async () => {
    const fresh = await dynamo.freshStore('automations-due');
    await fresh.automations.create(
      automation({ tenantId: 't1', automationId: 'aut_due_1', nextRunAt: at(MIN) }),
    );
    await fresh.automations.create(
      automation({ tenantId: 't2', automationId: 'aut_due_2', nextRunAt: at(5 * MIN) }),
    );
    await fresh.automations.create(
      automation({ tenantId: 't2', automationId: 'aut_late', nextRunAt: at(60 * MIN) }),
    );
    await fresh.automations.create(
      automation({ tenantId: 't3', automationId: 'aut_off', enabled: false, nextRunAt: at(MIN) }),
    );
    const { nextRunAt: _none, ...withoutRun } = automation({ tenantId: 't3', automationId: 'aut_ended' });
    await fresh.automations.create(withoutRun);
    // `<= now`: an automation due exactly now is included.
    const due = await fresh.automations.listDue(at(5 * MIN), 100);
    expect(due.map((a) => a.automationId)).toEqual(['aut_due_1', 'aut_due_2']);
    expect(await fresh.automations.listDue(at(5 * MIN), 1)).toHaveLength(1);
    await expect(fresh.automations.listDue(at(0), 0)).rejects.toThrow(ValidationError);
    // The job sweeper's partitions never see automations.
    expect(await fresh.jobs.listDue(at(120 * MIN), 100)).toEqual([]);
  });

  it('advances nextRunAt only from the value it expects', async () => {
    const input = automation({ nextRunAt: at(MIN) });
    await store.automations.create(input);
    const expectNextRunAt = at(MIN).toISOString();
    expect(await store.automations.advance({ ...input, expectNextRunAt, nextRunAt: at(61 * MIN) })).toBe(
      true,
    );
    expect(await store.automations.advance({ ...input, expectNextRunAt, nextRunAt: at(61 * MIN) })).toBe(
      false,
    );
    const record = await store.automations.get(input);
    expect(record).toMatchObject({ nextRunAt: at(61 * MIN).toISOString(), revision: 2 });
    // No more runs: drops out of the due index.
    expect(
      await store.automations.advance({
        ...input,
        expectNextRunAt: at(61 * MIN).toISOString(),
        nextRunAt: undefined,
      }),
    ).toBe(true);
    expect((await store.automations.get(input))?.nextRunAt).toBeUndefined();
    expect(
      (await store.automations.listDue(at(24 * 60 * MIN), 500)).map((a) => a.automationId),
    ).not.toContain(input.automationId);
  });

  it('updates only at the expected revision and moves the due entry', async () => {
    const input = automation({ nextRunAt: at(MIN) });
    const { automation: created } = await store.automations.create(input);
    const settings = { ...input, enabled: false, name: 'Paused', now: at(2 * MIN) };
    const updated = await store.automations.update({ ...settings, expectRevision: created.revision });
    expect(updated).toMatchObject({
      name: 'Paused',
      enabled: false,
      revision: 2,
      updatedAt: at(2 * MIN).toISOString(),
    });
    expect(await store.automations.update({ ...settings, expectRevision: created.revision })).toBeUndefined();
    expect((await store.automations.listDue(at(3 * MIN), 500)).map((a) => a.automationId)).not.toContain(
      input.automationId,
    );
  });

  it('records a run once per run time, never going backwards', async () => {
    const input = automation();
    await store.automations.create(input);
    const result = { status: 'ok' as const, summary: { enqueued: 2 } };
    expect(await store.automations.recordRun({ ...input, runAt: at(5 * MIN), result })).toMatchObject({
      lastRunAt: at(5 * MIN).toISOString(),
      lastResult: result,
    });
    expect(await store.automations.recordRun({ ...input, runAt: at(5 * MIN), result })).toBeUndefined();
    expect(await store.automations.recordRun({ ...input, runAt: at(4 * MIN), result })).toBeUndefined();
    expect(
      await store.automations.recordRun({ ...input, tenantId: 'tenant-x', runAt: at(9 * MIN), result }),
    ).toBeUndefined();
  });

  it('deletes, scoped to the tenant', async () => {
    const input = automation();
    await store.automations.create(input);
    expect(await store.automations.delete({ ...input, tenantId: 'tenant-b' })).toBe(false);
    expect(await store.automations.delete(input)).toBe(true);
    expect(await store.automations.get(input)).toBeUndefined();
  });

  it('refuses hostile input', async () => {
    await expect(store.automations.create(automation({ automationId: 'a#b' }))).rejects.toThrow(
      ValidationError,
    );
    await expect(store.automations.create(automation({ name: 'x'.repeat(10_000) }))).rejects.toThrow(
      ValidationError,
    );
    await expect(store.automations.create(automation({ schedule: 'x'.repeat(10_240) }))).rejects.toThrow(
      ValidationError,
    );
    await expect(
      store.automations.create(automation({ action: { type: 'retry_failed_invoices', days: 91 } })),
    ).rejects.toThrow(ValidationError);
    await expect(
      store.automations.create(automation({ action: { type: 'digest', event: 'Not An Event' } })),
    ).rejects.toThrow(ValidationError);
    await expect(
      store.automations.create(automation({ action: { type: 'shell', cmd: 'rm -rf /' } as never })),
    ).rejects.toThrow(ValidationError);
    await expect(store.automations.get({ tenantId: 'T#x', automationId: 'aut_1' })).rejects.toThrow(
      ValidationError,
    );
  });
});

describe('job window queries', () => {
  it('lists and counts one tenant queue status within a time window', async () => {
    const window = createJobWindowQueries(store.table);
    const tenantId = 'tenant-window';
    const make = async (jobId: string, minute: number) => {
      await store.jobs.create({
        tenantId,
        jobId,
        queue: 'invoice-processing',
        payload: { tenantId, invoiceId: jobId },
        priority: 'low',
        traceId: 'trace',
        maxAttempts: 1,
        targetType: 'invoice',
        targetId: jobId,
        now: at(minute * MIN),
        availableAt: at(minute * MIN),
        sweepAt: at(minute * MIN + 60 * MIN),
      });
      await store.jobs.fail({ tenantId, jobId, error: 'boom', errorCode: 'x', now: at(minute * MIN) });
    };
    await make('job_w1', 1);
    await make('job_w2', 5);
    await make('job_w3', 9);
    const query = { tenantId, queue: 'invoice-processing' as const, status: 'failed' as const };
    expect((await window.list({ ...query, after: at(1 * MIN) }, 10)).map((j) => j.jobId)).toEqual([
      'job_w2',
      'job_w3',
    ]);
    expect((await window.list({ ...query, after: at(0) }, 2)).map((j) => j.jobId)).toEqual([
      'job_w1',
      'job_w2',
    ]);
    expect(await window.count({ ...query, after: at(1 * MIN), until: at(5 * MIN) })).toBe(1);
    expect(await window.count({ ...query, after: at(0) })).toBe(3);
    expect(await window.count({ ...query, tenantId: 'tenant-else', after: at(0) })).toBe(0);
    // An inverted or zero-length window is empty, not a DynamoDB ValidationException.
    expect(await window.count({ ...query, after: at(9 * MIN), until: at(1 * MIN) })).toBe(0);
    expect(await window.list({ ...query, after: at(5 * MIN), until: at(5 * MIN) }, 10)).toEqual([]);
    await expect(window.count({ ...query, status: 'bogus' as never, after: at(0) })).rejects.toThrow(
      ValidationError,
    );
  });
});
