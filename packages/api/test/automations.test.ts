import { type BlobStore, type Clock, DEFAULT_TOPOLOGY, PermanentError, silentLogger } from '@paperlane/core';
import { createDispatcher, type Transport } from '@paperlane/runtime';
import type { Store } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { createTokenVerifier, mintToken } from '../src/auth/tokens';
import { createRateLimiter } from '../src/middleware/rate-limit';

const SECRET = 'automation-test-secret-long-enough-for-hs256';
let dynamo: TestDynamo;
let store: Store;
let now = new Date('2026-03-28T12:00:00Z');
const clock: Clock = { now: () => now };
const sent: string[] = [];

/** A transport that takes every message and remembers its job id. */
const transport: Transport = {
  name: 'recording',
  send: async (messages) => {
    for (const m of messages) sent.push(m.envelope.jobId);
    return [];
  },
  close: async () => {},
};

let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('api-automations');
  const dispatcher = createDispatcher({
    store: store.jobs,
    transport,
    topology: DEFAULT_TOPOLOGY,
    clock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  });
  const unused = () => {
    throw new Error('not used by automation routes');
  };
  app = createApp({
    store,
    blobs: {} as BlobStore,
    dispatcher,
    events: { publish: async () => {}, subscribe: () => () => {}, close: async () => {} },
    verifyToken: createTokenVerifier({ secret: SECRET }),
    limits: { maxFileBytes: 1, maxFiles: 1, maxRequestBytes: 1 },
    rateLimiter: createRateLimiter({ perMinute: 1000 }),
    sniff: () => {
      throw new PermanentError('unused');
    },
    clock,
    logger: silentLogger,
    health: [{ name: 'none', check: async () => unused() }],
    sweepGraceMs: 60_000,
  });
});
afterAll(async () => {
  await dynamo?.stop();
});

async function call(
  who: { tenantId?: string; userId?: string; role?: 'user' | 'admin' },
  method: string,
  path: string,
  body?: unknown,
) {
  const token = await mintToken(SECRET, {
    tenantId: who.tenantId ?? 'acme',
    userId: who.userId ?? 'alice',
    role: who.role ?? 'user',
  });
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const alice = { userId: 'alice' };
const bob = { userId: 'bob' };

describe('automation routes', () => {
  it('creates with snake_case JSON, a canonical zone and a DST-aware next run', async () => {
    const created = await call(alice, 'POST', '/api/automations', {
      name: 'Nightly sync',
      schedule: 'cron(30 2 * * *)',
      timezone: 'europe/berlin',
      action: { type: 'sync_mailboxes' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tenant_user_id: 'alice',
      timezone: 'Europe/Berlin',
      enabled: true,
      // 02:30 does not exist on 2026-03-29 in Berlin: it runs at 03:30 CEST.
      next_run_at: '2026-03-29T01:30:00.000Z',
      action: { type: 'sync_mailboxes' },
    });
    expect(created.body.automation_id).toMatch(/^aut_/);
  });

  it("scopes to the calling user: another user's automation is a 404, an admin sees the tenant's", async () => {
    const mine = await call(alice, 'POST', '/api/automations', {
      name: 'Digest',
      schedule: 'rate(1 day)',
      action: { type: 'digest' },
    });
    const id = mine.body.automation_id as string;
    expect((await call(bob, 'GET', `/api/automations/${id}`)).status).toBe(404);
    expect((await call(bob, 'PATCH', `/api/automations/${id}`, { name: 'mine now' })).status).toBe(404);
    expect((await call(bob, 'DELETE', `/api/automations/${id}`)).status).toBe(404);
    expect((await call(bob, 'POST', `/api/automations/${id}/run`)).status).toBe(404);
    expect((await call({ tenantId: 'other', userId: 'alice' }, 'GET', `/api/automations/${id}`)).status).toBe(
      404,
    );
    const bobs = await call(bob, 'GET', '/api/automations');
    expect(bobs.body.automations).toEqual([]);
    const alices = await call(alice, 'GET', '/api/automations');
    expect(alices.body.automations.map((a: { automation_id: string }) => a.automation_id)).toContain(id);
    const admin = await call({ userId: 'ops', role: 'admin' }, 'GET', `/api/automations/${id}`);
    expect(admin.status).toBe(200);
    expect(
      (await call({ userId: 'ops', role: 'admin' }, 'GET', '/api/automations')).body.automations.length,
    ).toBe(alices.body.automations.length);
  });

  it('patches, replanning the next run when the schedule changes, and deletes', async () => {
    const { body } = await call(alice, 'POST', '/api/automations', {
      name: 'Retry',
      schedule: 'cron(0 9 * * *)',
      timezone: 'UTC',
      action: { type: 'retry_failed_invoices', days: 7 },
    });
    const id = body.automation_id as string;
    expect(body.next_run_at).toBe('2026-03-29T09:00:00.000Z');
    const renamed = await call(alice, 'PATCH', `/api/automations/${id}`, { name: 'Retry failures' });
    expect(renamed.body).toMatchObject({
      name: 'Retry failures',
      next_run_at: '2026-03-29T09:00:00.000Z',
      revision: 2,
    });
    const moved = await call(alice, 'PATCH', `/api/automations/${id}`, { schedule: 'cron(0 18 * * *)' });
    expect(moved.body.next_run_at).toBe('2026-03-28T18:00:00.000Z');
    const paused = await call(alice, 'PATCH', `/api/automations/${id}`, { enabled: false });
    expect(paused.body.next_run_at).toBeUndefined();
    expect((await call(alice, 'POST', `/api/automations/${id}/run`)).status).toBe(409);
    expect((await call(alice, 'DELETE', `/api/automations/${id}`)).status).toBe(204);
    expect((await call(alice, 'GET', `/api/automations/${id}`)).status).toBe(404);
  });

  it('runs now: 202 with the queued automation job', async () => {
    const { body } = await call(alice, 'POST', '/api/automations', {
      name: 'Now',
      schedule: 'rate(6 hours)',
      action: { type: 'digest', event: 'reports.digest' },
    });
    const run = await call(alice, 'POST', `/api/automations/${body.automation_id}/run`);
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({
      queue: 'automation',
      status: 'pending',
      target_type: 'automation',
      target_id: body.automation_id,
    });
    expect(sent).toContain(run.body.job_id);
    const job = await store.jobs.get({ tenantId: 'acme', jobId: run.body.job_id });
    expect(job?.payload).toMatchObject({
      tenantUserId: 'alice',
      automationId: body.automation_id,
      scheduledAt: now.toISOString(),
    });
  });

  const hostile: Array<[string, unknown]> = [
    ['7-field cron', { name: 'x', schedule: 'cron(* * * * * * *)', action: { type: 'digest' } }],
    [
      '10 KB expression',
      { name: 'x', schedule: `cron(${'1,'.repeat(5_000)}1 * * * *)`, action: { type: 'digest' } },
    ],
    ['rate(0 minutes)', { name: 'x', schedule: 'rate(0 minutes)', action: { type: 'digest' } }],
    ['rate(1 second)', { name: 'x', schedule: 'rate(1 second)', action: { type: 'digest' } }],
    [
      'unknown zone',
      { name: 'x', schedule: 'rate(1 hour)', timezone: 'Mars/Olympus', action: { type: 'digest' } },
    ],
    ['unknown action', { name: 'x', schedule: 'rate(1 hour)', action: { type: 'shell', cmd: 'id' } }],
    [
      'days out of range',
      { name: 'x', schedule: 'rate(1 hour)', action: { type: 'retry_failed_invoices', days: 365 } },
    ],
    [
      'extra field',
      { name: 'x', schedule: 'rate(1 hour)', action: { type: 'digest' }, tenant_user_id: 'bob' },
    ],
    ['empty name', { name: '  ', schedule: 'rate(1 hour)', action: { type: 'digest' } }],
  ];
  it.each(hostile)('refuses %s with 400', async (_label, body) => {
    const response = await call(alice, 'POST', '/api/automations', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBeTypeOf('string');
  });

  it('refuses a malformed id and a hostile patch', async () => {
    expect((await call(alice, 'GET', '/api/automations/a%23b')).status).toBe(400);
    const { body } = await call(alice, 'POST', '/api/automations', {
      name: 'P',
      schedule: 'rate(1 hour)',
      action: { type: 'digest' },
    });
    const patched = await call(alice, 'PATCH', `/api/automations/${body.automation_id}`, {
      timezone: 'Nowhere/Land',
    });
    expect(patched.status).toBe(400);
    expect((await call(alice, 'GET', `/api/automations/${body.automation_id}`)).body.timezone).toBe('UTC');
    now = new Date(now.getTime() + 1);
  });
});
