import { type Clock, silentLogger } from '@paperlane/core';
import type { NewAutomation, Store } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planNextRun } from './schedule-next';
import { recordingQueue } from './test-queue';
import { automationRunKey, runAutomationTick } from './tick';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

const created = new Date('2026-03-01T00:00:00Z');

function fakeClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return {
    now: () => now,
    set: (next) => {
      now = new Date(next);
    },
  };
}

async function setup() {
  const store: Store = await dynamo.freshStore('tick');
  const clock = fakeClock('2026-03-01T00:00:00Z');
  const { queue, requests } = recordingQueue(store.jobs, () => clock.now());
  const add = async (overrides: Partial<NewAutomation>) => {
    const base = {
      tenantId: 'tenant-a',
      tenantUserId: 'user-1',
      automationId: 'aut_daily',
      name: 'Daily digest',
      schedule: 'cron(0 7 * * *)',
      timezone: 'Europe/Berlin',
      action: { type: 'digest' as const },
      enabled: true,
      ...overrides,
    };
    const nextRunAt = planNextRun({ ...base, createdAt: created }, created);
    return store.automations.create({ ...base, ...(nextRunAt ? { nextRunAt } : {}), now: created });
  };
  const tick = () => runAutomationTick({ store, queue, clock, logger: silentLogger });
  return { store, clock, requests, add, tick };
}

describe('automation tick', () => {
  it('enqueues nothing before a run is due', async () => {
    const { add, tick } = await setup();
    await add({});
    expect(await tick()).toMatchObject({ due: 0, enqueued: 0 });
  });

  it('two ticks at the same instant create one job per automation and advance once', async () => {
    const { store, clock, requests, add, tick } = await setup();
    await add({});
    await add({ automationId: 'aut_rate', schedule: 'rate(30 minutes)', tenantId: 'tenant-b' });
    clock.set('2026-03-01T06:00:00Z'); // 07:00 in Berlin (CET)
    const [first, second] = await Promise.all([tick(), tick()]);
    expect(first!.enqueued + second!.enqueued).toBe(2);
    expect(first!.advanced + second!.advanced).toBe(2);
    const daily = requests.filter(
      (r) => r.dedupeKey === automationRunKey('aut_daily', '2026-03-01T06:00:00.000Z'),
    );
    expect(daily.length).toBeGreaterThanOrEqual(1);
    const jobs = await store.jobs.listByStatus('tenant-a', 'automation', 'pending');
    expect(jobs.items).toHaveLength(1);
    expect(jobs.items[0]?.payload).toEqual({
      tenantId: 'tenant-a',
      tenantUserId: 'user-1',
      automationId: 'aut_daily',
      scheduledAt: '2026-03-01T06:00:00.000Z',
    });
    expect(
      (await store.automations.get({ tenantId: 'tenant-a', automationId: 'aut_daily' }))?.nextRunAt,
    ).toBe('2026-03-02T06:00:00.000Z');
    // The rate schedule counts from creation: its 12th half hour is 06:00, the next 06:30.
    expect((await store.automations.get({ tenantId: 'tenant-b', automationId: 'aut_rate' }))?.nextRunAt).toBe(
      '2026-03-01T06:30:00.000Z',
    );
    // A third tick at the same instant finds nothing due.
    expect(await tick()).toMatchObject({ enqueued: 0, advanced: 0 });
  });

  it('a tick that read a stale due entry makes no second job', async () => {
    const { store, clock, add, tick } = await setup();
    await add({});
    clock.set('2026-03-01T06:00:30Z');
    expect(await tick()).toMatchObject({ enqueued: 1, advanced: 1 });
    // Put the automation back to the already-run slot, as a stale read would see it.
    await store.automations.advance({
      tenantId: 'tenant-a',
      automationId: 'aut_daily',
      expectNextRunAt: '2026-03-02T06:00:00.000Z',
      nextRunAt: new Date('2026-03-01T06:00:00Z'),
    });
    expect(await tick()).toMatchObject({ enqueued: 0, duplicates: 1, advanced: 1 });
    expect((await store.jobs.listByStatus('tenant-a', 'automation', 'pending')).items).toHaveLength(1);
  });

  it('after a long outage runs once to catch up, then resumes on schedule', async () => {
    const { store, clock, requests, add, tick } = await setup();
    await add({});
    clock.set('2026-03-11T12:00:00Z'); // ten daily runs missed
    expect(await tick()).toMatchObject({ due: 1, enqueued: 1, advanced: 1 });
    expect(requests.map((r) => (r.payload as { scheduledAt: string }).scheduledAt)).toEqual([
      '2026-03-01T06:00:00.000Z',
    ]);
    expect(
      (await store.automations.get({ tenantId: 'tenant-a', automationId: 'aut_daily' }))?.nextRunAt,
    ).toBe('2026-03-12T06:00:00.000Z');
    expect(await tick()).toMatchObject({ due: 0, enqueued: 0 });
  });

  it('ticking through both DST nights runs a 02:30 Berlin job once each night', async () => {
    const { store, clock, requests, add, tick } = await setup();
    // Created on 1 March; planned from then on, as the API would.
    await add({ automationId: 'aut_dst', schedule: 'cron(30 2 * * *)' });
    // Every five minutes: enough to stand on both sides of each edge.
    const runMinutes = async (fromIso: string, toIso: string) => {
      for (let t = Date.parse(fromIso); t <= Date.parse(toIso); t += 5 * 60_000) {
        clock.set(new Date(t).toISOString());
        await tick();
      }
    };
    const scheduled = () =>
      requests
        .filter((r) => (r.payload as { automationId?: string }).automationId === 'aut_dst')
        .map((r) => (r.payload as { scheduledAt: string }).scheduledAt);
    // Catch up to the eve of spring-forward first (one catch-up run for all of March so far).
    clock.set('2026-03-28T12:00:00Z');
    await tick();
    requests.length = 0;
    // 29 March: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist and runs at 03:30 CEST.
    await runMinutes('2026-03-29T00:45:00Z', '2026-03-29T02:00:00Z');
    expect(scheduled()).toEqual(['2026-03-29T01:30:00.000Z']);
    // 25 October: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice (00:30Z, 01:30Z) and runs at the first.
    await store.automations.advance({
      tenantId: 'tenant-a',
      automationId: 'aut_dst',
      expectNextRunAt: (await store.automations.get({ tenantId: 'tenant-a', automationId: 'aut_dst' }))!
        .nextRunAt!,
      nextRunAt: new Date('2026-10-25T00:30:00Z'),
    });
    requests.length = 0;
    await runMinutes('2026-10-25T00:15:00Z', '2026-10-25T01:45:00Z');
    expect(scheduled()).toEqual(['2026-10-25T00:30:00.000Z']);
    expect((await store.automations.get({ tenantId: 'tenant-a', automationId: 'aut_dst' }))?.nextRunAt).toBe(
      '2026-10-26T01:30:00.000Z',
    );
  });

  it('skips disabled automations and stops one whose schedule no longer parses', async () => {
    const { store, clock, add, tick } = await setup();
    const { automation } = await add({});
    await store.automations.update({
      ...automation,
      enabled: false,
      nextRunAt: undefined,
      expectRevision: 1,
      now: created,
    });
    await add({ automationId: 'aut_broken' });
    // Simulate a stored schedule that the parser now refuses.
    const broken = (await store.automations.get({ tenantId: 'tenant-a', automationId: 'aut_broken' }))!;
    await store.automations.update({
      ...broken,
      schedule: 'cron(99 * * * *)',
      nextRunAt: new Date(broken.nextRunAt!),
      expectRevision: broken.revision,
      now: created,
    });
    clock.set('2026-03-02T00:00:00Z');
    expect(await tick()).toMatchObject({ due: 1, enqueued: 0, advanced: 1 });
    expect(
      (await store.automations.get({ tenantId: 'tenant-a', automationId: 'aut_broken' }))?.nextRunAt,
    ).toBeUndefined();
    expect(await tick()).toMatchObject({ due: 0 });
  });
});
