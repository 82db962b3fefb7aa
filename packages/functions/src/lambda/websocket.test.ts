import { mintToken } from '@paperlane/api';
import { type JobEvent, silentLogger } from '@paperlane/core';
import { createDocumentClient, createStore, ensureTable, type Store } from '@paperlane/store';
import { type DynaliteServer, startDynalite } from '@paperlane/testing';
import {
  type ApiGatewayManagementFake,
  startApiGatewayManagementFake,
} from '@paperlane/testing/fakes/apigw-management-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimePush } from './realtime-push';
import { createWebSocketHandler, webSocketDepsFromEnv } from './websocket';

const SECRET = 'apigw-ws-test-secret-long-enough-for-hs256';
const TABLE = 'paperlane-ws-lambda';
const T0 = new Date('2030-01-01T00:00:00.000Z');

let dynalite: DynaliteServer;
let fake: ApiGatewayManagementFake;
let store: Store;
let handle: ReturnType<typeof createWebSocketHandler>;

beforeAll(async () => {
  [dynalite, fake] = await Promise.all([startDynalite(), startApiGatewayManagementFake()]);
  const documentClient = createDocumentClient({ endpoint: dynalite.endpoint, region: 'us-east-1', env: {} });
  await ensureTable(documentClient, TABLE);
  store = createStore({ documentClient, tableName: TABLE });
  await store.sessions.create({ tenantId: 'tenant-a', sessionId: 'sess-a', now: T0 });
  await store.sessions.create({ tenantId: 'tenant-b', sessionId: 'sess-b', now: T0 });
  // Wired from the environment, exactly as the Lambda entry point is.
  handle = createWebSocketHandler({
    ...webSocketDepsFromEnv({
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      JWT_SECRET: SECRET,
      REALTIME_MANAGEMENT_ENDPOINT: fake.endpoint,
      REALTIME_MAX_SUBSCRIPTIONS: '3',
    }),
    logger: silentLogger,
  });
});
afterAll(async () => {
  await Promise.all([dynalite?.stop(), fake?.stop()]);
});

const token = (tenantId: string) => mintToken(SECRET, { tenantId, userId: 'user-1', role: 'user' });

/** An API Gateway WebSocket proxy event as Lambda receives it. */
function wsEvent(
  routeKey: string,
  connectionId: string,
  extra: { body?: string; query?: Record<string, string>; base64?: boolean } = {},
) {
  return {
    requestContext: {
      routeKey,
      eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
      connectionId,
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      stage: 'prod',
      apiId: 'abc123',
      requestId: 'req-1',
      connectedAt: T0.getTime(),
      requestTimeEpoch: T0.getTime(),
    },
    ...(extra.query ? { queryStringParameters: extra.query } : {}),
    ...(extra.body !== undefined ? { body: extra.body, isBase64Encoded: extra.base64 ?? false } : {}),
  };
}

async function connected(connectionId: string, tenantId: string) {
  fake.open(connectionId);
  const result = await handle(wsEvent('$connect', connectionId, { query: { token: await token(tenantId) } }));
  expect(result.statusCode).toBe(200);
  return {
    send: (message: unknown) =>
      handle(wsEvent('$default', connectionId, { body: JSON.stringify(message) })).then((r) => r.statusCode),
    next: () => fake.next(connectionId),
  };
}

const event = (overrides: Partial<JobEvent> = {}): JobEvent => ({
  type: 'job:progress',
  jobId: 'job-1',
  tenantId: 'tenant-a',
  queue: 'thumbnail',
  sessionId: 'sess-a',
  status: 'processing',
  progress: 30,
  attempt: 1,
  at: '2030-01-01T00:00:00.000Z',
  ...overrides,
});

describe('API Gateway WebSocket handler', () => {
  it('refuses $connect without a valid token and records nothing', async () => {
    expect((await handle(wsEvent('$connect', 'noToken=='))).statusCode).toBe(401);
    expect(
      (await handle(wsEvent('$connect', 'badToken==', { query: { token: 'abc.def.ghijklmnop' } })))
        .statusCode,
    ).toBe(401);
    expect(await store.wsConnections.get('badToken==')).toBeUndefined();
    expect((await handle({ requestContext: { routeKey: '$connect' } })).statusCode).toBe(400);
  });

  it("subscribes to the tenant's own session and refuses another tenant's", async () => {
    const client = await connected('connA1=', 'tenant-a');
    expect(await store.wsConnections.get('connA1=')).toMatchObject({ tenantId: 'tenant-a' });
    expect(await client.send({ action: 'subscribe', session_id: 'sess-a' })).toBe(200);
    expect(await client.next()).toEqual({ type: 'subscribed', session_id: 'sess-a' });
    expect(await client.next()).toMatchObject({ type: 'snapshot', session_id: 'sess-a' });
    await client.send({ action: 'subscribe', session_id: 'sess-b' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not_found' });
    await client.send({ action: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong' });
    expect(
      await store.wsConnections.subscribers({
        tenantId: 'tenant-b',
        target: { kind: 'session', id: 'sess-b' },
        now: new Date(),
      }),
    ).toEqual([]);
  });

  it('answers hostile messages with errors', async () => {
    const client = await connected('connHostile=', 'tenant-a');
    const replyTo = async (body: string, base64 = false) => {
      await handle(wsEvent('$default', 'connHostile=', { body, base64 }));
      return ((await client.next()) as { code?: string }).code;
    };
    expect(await replyTo('{nope')).toBe('invalid_message');
    expect(await replyTo('{"action":"rm -rf"}')).toBe('invalid_message');
    expect(await replyTo(Buffer.from([0, 1]).toString('base64'), true)).toBe('binary_not_supported');
    expect(await replyTo(JSON.stringify({ action: 'ping', pad: 'x'.repeat(1024 * 1024) }))).toBe(
      'message_too_large',
    );
    expect(await replyTo(JSON.stringify({ action: 'auth', token: await token('tenant-b') }))).toBe(
      'already_authenticated',
    );
    // The cap (3 here) is held by a conditional write on the connection item.
    for (const id of ['cap-1', 'cap-2', 'cap-3', 'cap-4']) {
      await store.sessions.create({ tenantId: 'tenant-a', sessionId: id, now: T0 });
    }
    const codes = [];
    for (const id of ['cap-1', 'cap-2', 'cap-3', 'cap-4']) {
      await client.send({ action: 'subscribe', session_id: id });
      const reply = (await client.next()) as { type: string; code?: string };
      codes.push(reply.code ?? reply.type);
      if (reply.type === 'subscribed') expect(await client.next()).toMatchObject({ type: 'snapshot' });
    }
    expect(codes).toEqual(['subscribed', 'subscribed', 'subscribed', 'too_many_subscriptions']);
  });

  it('pushes events to subscribed connections of the same tenant only, and prunes gone ones', async () => {
    const a = await connected('connPushA=', 'tenant-a');
    const gone = await connected('connGone=', 'tenant-a');
    const b = await connected('connPushB=', 'tenant-b');
    for (const [client, session] of [
      [a, 'sess-a'],
      [gone, 'sess-a'],
      [b, 'sess-b'],
    ] as const) {
      await client.send({ action: 'subscribe', session_id: session });
      await client.next();
      await client.next(); // the snapshot
    }

    const warnings: unknown[] = [];
    const logger = {
      ...silentLogger,
      warn: (message: string, fields?: unknown) => void warnings.push({ message, fields }),
    };
    const push = createRealtimePush({ endpoint: fake.endpoint, store, logger });
    fake.drop('connGone=');
    // tenant-b's event names tenant-a's session id: it must reach nobody of tenant-a.
    await push.publish(event({ tenantId: 'tenant-b', sessionId: 'sess-a', jobId: 'job-b' }));
    await push.publish(event({ type: 'job:complete', status: 'complete', progress: 100 }));
    expect(warnings).toEqual([]);
    expect(await a.next()).toMatchObject({ type: 'job:complete', job_id: 'job-1', session_id: 'sess-a' });
    expect(
      fake.received('connPushA=').filter((m) => (m as { type: string }).type.startsWith('job:')),
    ).toHaveLength(1);
    expect(fake.received('connPushB=').some((m) => (m as { type: string }).type.startsWith('job:'))).toBe(
      false,
    );
    expect(await store.wsConnections.get('connGone=')).toBeUndefined();
  });

  it('deletes the connection and its subscriptions on $disconnect', async () => {
    const client = await connected('connBye=', 'tenant-a');
    await client.send({ action: 'subscribe', session_id: 'sess-a' });
    await client.next();
    const followers = () =>
      store.wsConnections.subscribers({
        tenantId: 'tenant-a',
        target: { kind: 'session', id: 'sess-a' },
        now: new Date(),
      });
    expect(await followers()).toContain('connBye=');
    expect((await handle(wsEvent('$disconnect', 'connBye='))).statusCode).toBe(200);
    expect(await store.wsConnections.get('connBye=')).toBeUndefined();
    expect(await followers()).not.toContain('connBye=');
  });
});
