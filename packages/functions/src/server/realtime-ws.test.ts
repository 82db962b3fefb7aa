import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInProcessEventBus, createRedisEventBus } from '@paperlane/adapters';
import { createTokenVerifier, mintToken } from '@paperlane/api';
import { CLOSE_CODES, createRealtimeHub, storeTargetAccess } from '@paperlane/api/realtime/index';
import type { EventBus, JobEvent } from '@paperlane/core';
import type { Store } from '@paperlane/store';
import { startTestDynamo, T0, type TestDynamo } from '@paperlane/store/test-store';
import { type RedisServer, startRedis } from '@paperlane/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ClientOptions, WebSocket } from 'ws';
import { attachRealtimeWebSocket, type RealtimeDropReason, type RealtimeWsOptions } from './realtime-ws';

const SECRET = 'ws-test-secret-that-is-long-enough-for-hs256';
const verifyToken = createTokenVerifier({ secret: SECRET });
const token = (tenantId: string) => mintToken(SECRET, { tenantId, userId: 'user-1', role: 'user' });

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('ws');
  await store.sessions.create({ tenantId: 'tenant-a', sessionId: 'sess-a', now: T0 });
  await store.sessions.create({ tenantId: 'tenant-b', sessionId: 'sess-b', now: T0 });
});
afterAll(async () => {
  await dynamo?.stop();
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const event = (overrides: Partial<JobEvent> = {}): JobEvent => ({
  type: 'job:progress',
  jobId: 'job-1',
  tenantId: 'tenant-a',
  queue: 'thumbnail',
  sessionId: 'sess-a',
  status: 'processing',
  progress: 10,
  attempt: 1,
  at: '2030-01-01T00:00:00.000Z',
  ...overrides,
});

/** A real listening HTTP server with the realtime WebSocket attached. */
async function startServer(events: EventBus, options: Partial<RealtimeWsOptions> = {}) {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hub = createRealtimeHub({ events });
  const drops: RealtimeDropReason[] = [];
  let dropped: ((reason: RealtimeDropReason) => void) | undefined;
  const realtime = attachRealtimeWebSocket(server, {
    hub,
    verifyToken,
    canAccess: storeTargetAccess(store),
    onDrop: (reason) => {
      drops.push(reason);
      dropped?.(reason);
    },
    ...options,
  });
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    await realtime.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    hub,
    realtime,
    drops,
    nextDrop: () => new Promise<RealtimeDropReason>((resolve) => (dropped = resolve)),
  };
}

/** A real ws client that queues what it receives, so tests await messages instead of sleeping. */
async function connect(url: string, options: ClientOptions = {}) {
  const ws = new WebSocket(url, options);
  const inbox: Array<Record<string, unknown>> = [];
  const waiting: Array<(m: Record<string, unknown>) => void> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  cleanups.push(async () => {
    ws.terminate();
  });
  return {
    ws,
    closed,
    next: () =>
      new Promise<Record<string, unknown>>((resolve) => {
        const queued = inbox.shift();
        if (queued) resolve(queued);
        else waiting.push(resolve);
      }),
    send: (message: unknown) => ws.send(JSON.stringify(message)),
  };
}

describe('realtime WebSocket (/ws)', () => {
  it('authenticates from the query, subscribes, and receives only its tenant events', async () => {
    const bus = createInProcessEventBus();
    const server = await startServer(bus);
    const client = await connect(`${server.url}/ws?token=${await token('tenant-a')}`);
    expect(await client.next()).toEqual({ type: 'authenticated', tenant_id: 'tenant-a', user_id: 'user-1' });
    client.send({ action: 'subscribe', session_id: 'sess-a' });
    expect(await client.next()).toEqual({ type: 'subscribed', session_id: 'sess-a' });
    expect(await client.next()).toMatchObject({ type: 'snapshot', session_id: 'sess-a', jobs: [] });
    client.send({ action: 'subscribe', session_id: 'sess-b' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not_found' });

    await bus.publish(event({ tenantId: 'tenant-b', jobId: 'job-b', sessionId: 'sess-a' }));
    await bus.publish(event({ type: 'job:complete', status: 'complete', progress: 100 }));
    expect(await client.next()).toMatchObject({
      type: 'job:complete',
      job_id: 'job-1',
      session_id: 'sess-a',
    });
    client.send({ action: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong' });
  });

  it('holds frames sent right after connecting until the query token is verified', async () => {
    const server = await startServer(createInProcessEventBus());
    const client = await connect(`${server.url}/ws?token=${await token('tenant-a')}`);
    client.send({ action: 'subscribe', job_id: 'job-missing' });
    client.send({ action: 'subscribe', session_id: 'sess-a' });
    expect(await client.next()).toMatchObject({ type: 'authenticated' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await client.next()).toEqual({ type: 'subscribed', session_id: 'sess-a' });
  });

  it('authenticates from the first message and closes silent connections after the auth timeout', async () => {
    const server = await startServer(createInProcessEventBus(), { limits: { authTimeoutMs: 50 } });
    const late = await connect(`${server.url}/ws`);
    expect(await late.closed).toEqual({ code: CLOSE_CODES.authTimeout, reason: 'authentication timeout' });

    const client = await connect(`${server.url}/ws`);
    client.send({ action: 'auth', token: await token('tenant-a') });
    expect(await client.next()).toMatchObject({ type: 'authenticated' });
    client.send({ action: 'auth', token: await token('tenant-b') });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'already_authenticated' });
  });

  it('refuses bad tokens, binary frames, oversized frames and unknown paths', async () => {
    const server = await startServer(createInProcessEventBus());
    const bad = await connect(`${server.url}/ws?token=not-a-valid-token-at-all`);
    expect(await bad.next()).toMatchObject({ type: 'error', code: 'invalid_token' });
    expect((await bad.closed).code).toBe(CLOSE_CODES.unauthenticated);

    const client = await connect(`${server.url}/ws?token=${await token('tenant-a')}`);
    await client.next();
    client.ws.send(Buffer.from([1, 2, 3]));
    expect(await client.next()).toMatchObject({ type: 'error', code: 'binary_not_supported' });
    client.send({ action: 'subscribe', job_id: 'x', session_id: 'y' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    client.ws.send('x'.repeat(1024 * 1024));
    expect((await client.closed).code).toBe(1009);

    await expect(connect(`${server.url}/elsewhere`)).rejects.toThrow();
    expect(server.realtime.clients()).toBe(0);
  });

  it('drops a connection that stops answering pings', async () => {
    const server = await startServer(createInProcessEventBus(), { heartbeatMs: 20 });
    const drop = server.nextDrop();
    const client = await connect(`${server.url}/ws?token=${await token('tenant-a')}`, { autoPong: false });
    expect(await drop).toBe('heartbeat');
    expect((await client.closed).code).toBe(1006);
    expect(server.hub.size()).toBe(0);
  });

  it('drops a slow consumer instead of buffering without bound', async () => {
    const bus = createInProcessEventBus();
    const server = await startServer(bus, { maxBufferedBytes: 64 * 1024 });
    const client = await connect(`${server.url}/ws?token=${await token('tenant-a')}`);
    await client.next();
    client.send({ action: 'subscribe', session_id: 'sess-a' });
    await client.next();
    // The client stops reading: its kernel buffers fill, then the server's.
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const drop = server.nextDrop();
    let dropped = false;
    void drop.then(() => (dropped = true));
    const big = event({ error: 'e'.repeat(2000) });
    for (let i = 0; i < 200_000 && !dropped; i++) {
      await bus.publish(big);
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await drop).toBe('slow_consumer');
    expect(server.hub.size()).toBe(0);
  });

  describe('across processes', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('delivers an event published by server B to a client of server A over Redis', async () => {
      const busA = createRedisEventBus({ url: redis.url });
      const busB = createRedisEventBus({ url: redis.url });
      cleanups.push(async () => void (await Promise.all([busA.close(), busB.close()])));
      const serverA = await startServer(busA);
      await startServer(busB);
      const client = await connect(`${serverA.url}/ws?token=${await token('tenant-a')}`);
      await client.next();
      client.send({ action: 'subscribe', session_id: 'sess-a' });
      expect(await client.next()).toMatchObject({ type: 'subscribed' });
      expect(await client.next()).toMatchObject({ type: 'snapshot' });
      await busA.ready();
      await busB.publish(event({ tenantId: 'tenant-b', sessionId: 'sess-a', jobId: 'job-b' }));
      await busB.publish(event({ type: 'job:started', jobId: 'job-from-b', progress: 0 }));
      expect(await client.next()).toMatchObject({ type: 'job:started', job_id: 'job-from-b' });
    });
  });
});
