import { OpenAPIHono } from '@hono/zod-openapi';
import { createInProcessEventBus } from '@paperlane/adapters/events/in-process-bus';
import { createJsonLogger } from '@paperlane/adapters/logging/json-logger';
import { type EventBus, type JobEvent, type Logger, silentLogger, systemClock } from '@paperlane/core';
import type { Store } from '@paperlane/store';
import { startTestDynamo, T0, type TestDynamo } from '@paperlane/store/test-store';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, mintToken } from '../auth/tokens';
import type { ApiEnv } from '../env';
import { toErrorResponse } from '../errors';
import { eventStreamRoutes } from './events-stream';

const SECRET = 'sse-test-secret-that-is-long-enough-for-hs256';
const verifyToken = createTokenVerifier({ secret: SECRET });
const token = (tenantId: string) => mintToken(SECRET, { tenantId, userId: 'user-1', role: 'user' });

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('sse');
  await store.sessions.create({ tenantId: 'tenant-a', sessionId: 'sess-a', now: T0 });
  await store.sessions.create({ tenantId: 'tenant-b', sessionId: 'sess-b', now: T0 });
});
afterAll(async () => {
  await dynamo?.stop();
});

/** An in-process bus that counts its listeners and tells when the count changes. */
function countingBus() {
  const inner = createInProcessEventBus();
  let listeners = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const changed = () => {
    for (const waiter of [...waiters]) {
      if (waiter.count === listeners) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const bus: EventBus & { listeners(): number; until(count: number): Promise<void> } = {
    publish: (event) => inner.publish(event),
    subscribe(listener) {
      const off = inner.subscribe(listener);
      listeners += 1;
      changed();
      let on = true;
      return () => {
        if (!on) return;
        on = false;
        off();
        listeners -= 1;
        changed();
      };
    },
    close: () => inner.close(),
    listeners: () => listeners,
    until: (count) =>
      count === listeners ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
  };
  return bus;
}

function appWith(
  events: EventBus,
  keepAliveMs?: number,
  deps: { store?: Store; logger?: Logger; clock?: { now(): Date } } = {},
) {
  const app = new OpenAPIHono<ApiEnv>();
  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error);
    return c.json(body, status as ContentfulStatusCode);
  });
  return app.route(
    '/',
    eventStreamRoutes(
      {
        store: deps.store ?? store,
        events,
        verifyToken,
        logger: deps.logger ?? silentLogger,
        clock: deps.clock ?? systemClock,
      },
      keepAliveMs === undefined ? {} : { keepAliveMs },
    ),
  );
}

/** Reads SSE frames (`event:` + `data:` blocks, and comments) from a response body. */
function sseFrames(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<string> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          return frame;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

const dataOf = (frame: string) =>
  JSON.parse(
    frame
      .split('\n')
      .find((line) => line.startsWith('data: '))
      ?.slice(6) ?? 'null',
  ) as Record<string, unknown>;

const event = (overrides: Partial<JobEvent>): JobEvent => ({
  type: 'job:progress',
  jobId: 'job-1',
  tenantId: 'tenant-a',
  queue: 'thumbnail',
  sessionId: 'sess-a',
  status: 'processing',
  progress: 50,
  attempt: 1,
  at: '2030-01-01T00:00:00.000Z',
  ...overrides,
});

describe('GET /api/events (SSE)', () => {
  it("streams the tenant's session events, sends keep-alives, and leaves the bus on abort", async () => {
    const bus = countingBus();
    const app = appWith(bus, 5);
    const response = await app.request('/api/events?session_id=sess-a', {
      headers: { authorization: `Bearer ${await token('tenant-a')}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const frames = sseFrames(response.body!);
    let frame = await frames.next();
    while (frame.startsWith(':')) frame = await frames.next();
    expect(dataOf(frame)).toEqual({ type: 'subscribed', session_id: 'sess-a' });
    frame = await frames.next();
    expect(dataOf(frame)).toMatchObject({ type: 'snapshot', session_id: 'sess-a', jobs: [] });
    await bus.until(1);

    await bus.publish(event({ tenantId: 'tenant-b', jobId: 'job-b' }));
    await bus.publish(event({ type: 'job:complete', progress: 100, status: 'complete' }));
    frame = await frames.next();
    while (frame.startsWith(':')) frame = await frames.next();
    expect(frame.split('\n')[0]).toBe('event: job:complete');
    expect(dataOf(frame)).toMatchObject({ type: 'job:complete', job_id: 'job-1', progress: 100 });
    expect(frame).not.toContain('tenant');

    // The keep-alive is a comment line.
    do frame = await frames.next();
    while (!frame.startsWith(':'));
    expect(frame).toBe(': keep-alive');

    await frames.cancel();
    await bus.until(0);
    expect(bus.listeners()).toBe(0);
  });

  it('accepts the token in the query string for EventSource clients', async () => {
    const bus = countingBus();
    const response = await appWith(bus).request(
      `/api/events?session_id=sess-a&token=${await token('tenant-a')}`,
    );
    expect(response.status).toBe(200);
    const frames = sseFrames(response.body!);
    expect(dataOf(await frames.next())).toEqual({ type: 'subscribed', session_id: 'sess-a' });
    await frames.cancel();
    await bus.until(0);
  });

  it("refuses missing tokens, bad queries and another tenant's session", async () => {
    const app = appWith(countingBus());
    const auth = { authorization: `Bearer ${await token('tenant-a')}` };
    expect((await app.request('/api/events?session_id=sess-a')).status).toBe(401);
    expect(
      (await app.request('/api/events?session_id=sess-a', { headers: { authorization: 'Bearer nope' } }))
        .status,
    ).toBe(401);
    expect((await app.request('/api/events', { headers: auth })).status).toBe(400);
    expect((await app.request('/api/events?session_id=a&job_id=b', { headers: auth })).status).toBe(400);
    expect((await app.request('/api/events?session_id=T%23x', { headers: auth })).status).toBe(400);
    const other = await app.request('/api/events?session_id=sess-b', { headers: auth });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('ends with a coded error event, logged, when the store fails mid-stream', async () => {
    // The route checks access, then the subscription checks it again: the second lookup fails.
    let lookups = 0;
    const failing: Store = {
      ...store,
      sessions: {
        ...store.sessions,
        get: (ref) =>
          ++lookups === 1 ? store.sessions.get(ref) : Promise.reject(new Error('ECONNRESET 10.0.0.7')),
      },
    };
    const lines: string[] = [];
    const app = appWith(countingBus(), undefined, {
      store: failing,
      logger: createJsonLogger({ write: (line) => lines.push(line) }),
    });
    const response = await app.request('/api/events?session_id=sess-a', {
      headers: { authorization: `Bearer ${await token('tenant-a')}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toBe(
      'event: error\ndata: {"type":"error","code":"internal","message":"the event stream failed; reconnect"}\n\n',
    );
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'event stream failed',
        error: expect.stringContaining('ECONNRESET'),
      }),
    ]);
  });
});
