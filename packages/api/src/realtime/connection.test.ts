import { createInProcessEventBus } from '@paperlane/adapters/events/in-process-bus';
import type { EventBus, JobEvent } from '@paperlane/core';
import type { Store } from '@paperlane/store';
import { startTestDynamo, T0, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, mintToken } from '../auth/tokens';
import { storeTargetAccess } from './access';
import { createRealtimeConnection, type RealtimeTimers } from './connection';
import { createRealtimeHub } from './hub';
import { CLOSE_CODES, type ServerMessage } from './protocol';

const SECRET = 'realtime-test-secret-long-enough-for-hs256';
const verifyToken = createTokenVerifier({ secret: SECRET });
const token = (tenantId: string) => mintToken(SECRET, { tenantId, userId: 'user-1', role: 'user' });

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('realtime');
  await store.sessions.create({ tenantId: 'tenant-a', sessionId: 'sess-a', now: T0 });
  await store.sessions.create({ tenantId: 'tenant-b', sessionId: 'sess-b', now: T0 });
  for (let i = 0; i < 3; i++) {
    await store.sessions.create({ tenantId: 'tenant-a', sessionId: `sess-a${i}`, now: T0 });
  }
});
afterAll(async () => {
  await dynamo?.stop();
});

function event(overrides: Partial<JobEvent>): JobEvent {
  return {
    type: 'job:progress',
    jobId: 'job-1',
    tenantId: 'tenant-a',
    queue: 'thumbnail',
    sessionId: 'sess-a',
    documentId: 'doc-1',
    status: 'processing',
    progress: 40,
    attempt: 1,
    at: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A timer the test fires by hand: no waiting on the wall clock. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: RealtimeTimers = {
    setTimeout(callback) {
      next += 1;
      pending.set(next, callback);
      return next;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    pending: () => pending.size,
    fireAll() {
      for (const [id, callback] of [...pending]) {
        pending.delete(id);
        callback();
      }
    },
  };
}

function client(
  options: { bus?: EventBus; limits?: { maxSubscriptions?: number; maxInvalidMessages?: number } } = {},
) {
  const sent: ServerMessage[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  const clock = manualTimers();
  const hub = createRealtimeHub({ events: options.bus ?? createInProcessEventBus() });
  const connection = createRealtimeConnection({
    transport: { send: (m) => sent.push(m), close: (code, reason) => closes.push({ code, reason }) },
    verifyToken,
    canAccess: storeTargetAccess(store),
    registry: hub,
    timers: clock.timers,
    limits: { maxSubscriptions: options.limits?.maxSubscriptions ?? 100, ...options.limits },
  });
  const send = (message: unknown) => connection.receive(JSON.stringify(message));
  return { sent, closes, clock, hub, connection, send, last: () => sent.at(-1) };
}

describe('realtime connection', () => {
  it('authenticates with a first auth message, subscribes, and receives only its own tenant events', async () => {
    const bus = createInProcessEventBus();
    const c = client({ bus });
    await c.send({ action: 'auth', token: await token('tenant-a') });
    expect(c.last()).toEqual({ type: 'authenticated', tenant_id: 'tenant-a', user_id: 'user-1' });
    expect(c.clock.pending()).toBe(0);
    await c.send({ action: 'subscribe', session_id: 'sess-a' });
    expect(c.sent.at(-2)).toEqual({ type: 'subscribed', session_id: 'sess-a' });
    expect(c.last()).toMatchObject({ type: 'snapshot', session_id: 'sess-a', jobs: [], truncated: false });

    await bus.publish(event({ type: 'job:started', progress: 0 }));
    // Another tenant's event carrying the same session id must not leak.
    await bus.publish(event({ tenantId: 'tenant-b', jobId: 'job-b', error: 'secret' }));
    await bus.publish(event({ sessionId: 'sess-other', jobId: 'job-x' }));
    const events = c.sent.filter((m) => m.type.startsWith('job:'));
    expect(events).toEqual([
      {
        type: 'job:started',
        job_id: 'job-1',
        queue: 'thumbnail',
        status: 'processing',
        progress: 0,
        attempt: 1,
        session_id: 'sess-a',
        document_id: 'doc-1',
        at: '2030-01-01T00:00:00.000Z',
      },
    ]);
    expect(JSON.stringify(c.sent)).not.toContain('tenant-b');
  });

  it("answers not_found for another tenant's session and job, and delivers nothing of theirs", async () => {
    const bus = createInProcessEventBus();
    const c = client({ bus });
    expect(await c.connection.authenticate(await token('tenant-a'))).toBe(true);
    await c.send({ action: 'subscribe', session_id: 'sess-b' });
    expect(c.last()).toMatchObject({ type: 'error', code: 'not_found' });
    await c.send({ action: 'subscribe', job_id: 'job-of-b' });
    expect(c.last()).toMatchObject({ type: 'error', code: 'not_found' });
    expect(c.connection.subscriptions.size).toBe(0);
    await bus.publish(event({ tenantId: 'tenant-b', sessionId: 'sess-b' }));
    expect(c.sent.some((m) => m.type.startsWith('job:'))).toBe(false);
  });

  it('closes an unauthenticated connection when the auth timer fires', () => {
    const c = client();
    expect(c.clock.pending()).toBe(1);
    c.clock.fireAll();
    expect(c.closes).toEqual([{ code: CLOSE_CODES.authTimeout, reason: 'authentication timeout' }]);
    expect(c.last()).toMatchObject({ type: 'error', code: 'auth_required' });
  });

  it('refuses an invalid token and closes without echoing it', async () => {
    const c = client();
    await c.send({ action: 'auth', token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    expect(c.last()).toMatchObject({ type: 'error', code: 'invalid_token' });
    expect(c.closes[0]?.code).toBe(CLOSE_CODES.unauthenticated);
    expect(JSON.stringify(c.sent)).not.toContain('eyJ');
    expect(c.clock.pending()).toBe(0);
  });

  it('requires auth before subscribing', async () => {
    const c = client();
    await c.send({ action: 'subscribe', session_id: 'sess-a' });
    expect(c.last()).toMatchObject({ type: 'error', code: 'auth_required' });
    expect(c.closes[0]?.code).toBe(CLOSE_CODES.unauthenticated);
  });

  it('answers hostile frames with errors and keeps serving valid ones', async () => {
    const c = client();
    await c.connection.authenticate(await token('tenant-a'));
    const codes = async (raw: string | Uint8Array, binary = false) => {
      await c.connection.receive(raw, binary);
      const last = c.last();
      return last?.type === 'error' ? last.code : last?.type;
    };
    expect(await codes(new Uint8Array([0, 1, 2]), true)).toBe('binary_not_supported');
    expect(await codes('{not json')).toBe('invalid_message');
    expect(await codes('null')).toBe('invalid_message');
    expect(await codes('{"action":"delete_everything"}')).toBe('invalid_message');
    expect(await codes('{"action":"subscribe"}')).toBe('invalid_message');
    expect(await codes('{"action":"subscribe","session_id":"sess-a","job_id":"job-1"}')).toBe(
      'invalid_message',
    );
    expect(await codes('{"action":"subscribe","session_id":"T#x#SESSION"}')).toBe('invalid_message');
    expect(await codes('{"action":"ping","extra":1}')).toBe('invalid_message');
    expect(await codes('{"action":"ping"}')).toBe('pong');
    expect(c.closes).toEqual([]);
    expect(await codes(JSON.stringify({ action: 'ping', pad: 'x'.repeat(1024 * 1024) }))).toBe(
      'message_too_large',
    );
    expect(c.closes[0]?.code).toBe(CLOSE_CODES.tooLarge);
  });

  it('closes after too many invalid messages', async () => {
    const c = client({ limits: { maxInvalidMessages: 3 } });
    await c.connection.authenticate(await token('tenant-a'));
    for (let i = 0; i < 3; i++) await c.connection.receive('garbage');
    expect(c.closes[0]?.code).toBe(CLOSE_CODES.tooManyErrors);
  });

  it('caps subscriptions per connection even under a flood', async () => {
    const c = client({ limits: { maxSubscriptions: 2 } });
    await c.connection.authenticate(await token('tenant-a'));
    await c.send({ action: 'subscribe', session_id: 'sess-a0' });
    await c.send({ action: 'subscribe', session_id: 'sess-a1' });
    await Promise.all(
      Array.from({ length: 10_000 }, (_, i) => c.send({ action: 'subscribe', job_id: `job-${i}` })),
    );
    expect(c.connection.subscriptions.size).toBe(2);
    expect(c.sent.filter((m) => m.type === 'error' && m.code === 'too_many_subscriptions')).toHaveLength(
      10_000,
    );
    // Re-subscribing to a held target is idempotent, and unsubscribing frees a slot.
    await c.send({ action: 'subscribe', session_id: 'sess-a0' });
    expect(c.last()).toEqual({ type: 'subscribed', session_id: 'sess-a0' });
    await c.send({ action: 'unsubscribe', session_id: 'sess-a0' });
    expect(c.last()).toEqual({ type: 'unsubscribed', session_id: 'sess-a0' });
    await c.send({ action: 'subscribe', session_id: 'sess-a2' });
    expect(c.sent.at(-2)).toEqual({ type: 'subscribed', session_id: 'sess-a2' });
    expect(c.last()).toMatchObject({ type: 'snapshot', session_id: 'sess-a2' });
  });

  it('leaves the bus when its last connection is disposed', async () => {
    const c = client();
    expect(c.hub.listening()).toBe(false);
    await c.connection.authenticate(await token('tenant-a'));
    expect(c.hub.size()).toBe(1);
    expect(c.hub.listening()).toBe(true);
    c.connection.dispose();
    c.connection.dispose();
    expect(c.hub.size()).toBe(0);
    expect(c.hub.listening()).toBe(false);
  });
});
