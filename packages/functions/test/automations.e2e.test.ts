/**
 * The automation tick in the dev process, as `npm start` wires it: on Redis a BullMQ
 * job scheduler shared by every process, embedded a wall-clock timer. A due
 * automation runs once, through the API-visible state. Schedules, DST and the tick's
 * dedupe run on a fake clock in jobs/src/automations.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynaliteServer, type RedisServer, startDynalite, startRedis } from '@paperlane/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickQueueName } from '../src/local/bullmq-ticker';
import { AUTOMATION_TICK, type LocalProcess, startLocal } from '../src/local/start-local';
import { apiClient, recordingLogger, watchJobEvents } from './support/local-stack';

const TICK_MS = 200;
const dataDirs: string[] = [];

async function start(env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-automations-e2e-'));
  dataDirs.push(dataDir);
  return startLocal({
    env: {
      DATA_DIR: dataDir,
      PORT: '0',
      JWT_SECRET: 'automations-e2e-secret-that-is-long-enough-hs256',
      ...env,
    },
    tickEveryMs: TICK_MS,
    logger: recordingLogger(),
  });
}

afterAll(async () => {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

/**
 * Creates a digest automation through the API and makes its next run due now (as if
 * its hour had come), then waits for the tick to run it.
 */
async function dueAutomationRuns(local: LocalProcess, tenantId: string) {
  const api = apiClient(local, { tenantId });
  const events = watchJobEvents(local.container.events);
  try {
    const created = await api.call('POST', '/api/automations', {
      name: 'Hourly digest',
      schedule: 'rate(1 hour)',
      action: { type: 'digest' },
    });
    expect(created.status).toBe(201);
    const id = created.body.automation_id as string;
    const moved = await local.container.store.automations.advance({
      tenantId,
      automationId: id,
      expectNextRunAt: created.body.next_run_at,
      nextRunAt: new Date(Date.now() - 1_000),
    });
    expect(moved).toBe(true);
    const done = await events.next(
      (e) => e.tenantId === tenantId && e.queue === 'automation' && e.type === 'job:complete',
    );
    const after = await api.call('GET', `/api/automations/${id}`);
    return { id, done, after: after.body, api };
  } finally {
    events.stop();
  }
}

describe('the automation tick on Redis (BullMQ job scheduler)', () => {
  let redis: RedisServer;
  let dynamo: DynaliteServer;
  let first: LocalProcess;
  let second: LocalProcess;

  beforeAll(async () => {
    [redis, dynamo] = await Promise.all([startRedis(), startDynalite()]);
    const shared = {
      REDIS_URL: redis.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      SECRET_KEY: randomBytes(32).toString('base64'),
    };
    // Two dev processes on the same Redis and table, each with the sweeper and the tick.
    [first, second] = await Promise.all([start(shared), start(shared)]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await Promise.all([redis?.stop(), dynamo?.stop()]);
  });

  it('declares one scheduler for all processes, and a due automation runs once', async () => {
    expect(first.config.transport).toBe('bullmq');
    const queue = new Queue(tickQueueName(AUTOMATION_TICK), { connection: { url: redis.url } });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.every])).toEqual([[AUTOMATION_TICK, TICK_MS]]);
    } finally {
      await queue.close();
    }

    const { id, done, after } = await dueAutomationRuns(first, 'tick-redis');
    expect(done.result).toMatchObject({ action: 'digest' });
    // The tick moved the schedule on to the next hour and the run is recorded.
    expect(Date.parse(after.next_run_at)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(after.last_result).toMatchObject({ status: 'ok', job_id: done.jobId });
    const jobs = await first.container.store.jobs.listByStatus('tick-redis', 'automation', 'complete');
    expect(jobs.items.map((j) => j.targetId)).toEqual([id]);
  });
});

describe('the automation tick embedded (wall-clock timer)', () => {
  let local: LocalProcess;
  beforeAll(async () => {
    local = await start({});
  });
  afterAll(async () => {
    await local?.close();
  });

  it('runs a due automation, and POST /run runs one now', async () => {
    expect(local.config.embed).toMatchObject({ dynamodb: true, sqs: true });
    const { id, done, after, api } = await dueAutomationRuns(local, 'tick-embedded');
    expect(after.last_result).toMatchObject({ status: 'ok', job_id: done.jobId });
    expect(Date.parse(after.next_run_at)).toBeGreaterThan(Date.now() + 50 * 60_000);

    const events = watchJobEvents(local.container.events);
    try {
      const run = await api.call('POST', `/api/automations/${id}/run`);
      expect(run).toMatchObject({ status: 202, body: { queue: 'automation', target_id: id } });
      const settled = await events.settled(run.body.job_id);
      expect(settled.type).toBe('job:complete');
    } finally {
      events.stop();
    }
  });
});
