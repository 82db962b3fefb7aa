import { randomBytes } from 'node:crypto';
import { createLocalSecretCipher } from '@paperlane/adapters/crypto';
import { createRegistrationUrlCheck, type HostResolver } from '@paperlane/adapters/net/index';
import { type BlobStore, type Clock, DEFAULT_TOPOLOGY, PermanentError, silentLogger } from '@paperlane/core';
import { createDispatcher, type Transport } from '@paperlane/runtime';
import { type Store, webhookSecretContext } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { createTokenVerifier, mintToken } from '../src/auth/tokens';
import { createRateLimiter } from '../src/middleware/rate-limit';

const SECRET = 'webhook-test-secret-long-enough-for-hs256';
let dynamo: TestDynamo;
let store: Store;
const now = new Date('2030-01-01T00:00:00Z');
const clock: Clock = { now: () => now };
const sent: string[] = [];
const cipher = createLocalSecretCipher({ key: randomBytes(32).toString('base64') });
const resolve: HostResolver = async (hostname) => {
  if (hostname === 'rebind.example.com') return [{ address: '10.0.0.5', family: 4 }];
  return [{ address: '93.184.215.14', family: 4 }];
};

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
  store = await dynamo.freshStore('api-webhooks');
  const dispatcher = createDispatcher({
    store: store.jobs,
    transport,
    topology: DEFAULT_TOPOLOGY,
    clock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  });
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
    health: [],
    sweepGraceMs: 60_000,
    webhooks: { cipher, checkUrl: createRegistrationUrlCheck({ resolve }), rotationGraceMs: 3_600_000 },
  });
});
afterAll(async () => {
  await dynamo?.stop();
});

async function call(tenantId: string, method: string, path: string, body?: unknown) {
  const token = await mintToken(SECRET, { tenantId, userId: 'alice', role: 'user' });
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const valid = { url: 'https://hooks.example.com/in', events: ['invoice.*', 'entry.approved'] };

describe('webhook routes', () => {
  it('creates a subscription, shows the secret once and seals it at rest', async () => {
    const created = await call('acme', 'POST', '/api/webhooks', { ...valid, description: 'ERP' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: valid.url,
      events: valid.events,
      active: true,
      description: 'ERP',
    });
    expect(created.body.webhook_id).toMatch(/^wh_/);
    expect(created.body.secret).toMatch(/^whsec_/);
    const id = created.body.webhook_id;

    const got = await call('acme', 'GET', `/api/webhooks/${id}`);
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body)).not.toMatch(/whsec_|secret_ciphertext|l1\./);
    const listed = await call('acme', 'GET', '/api/webhooks');
    expect(listed.body.webhooks.map((w: { webhook_id: string }) => w.webhook_id)).toContain(id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    const record = await store.webhooks.get({ tenantId: 'acme', webhookId: id });
    expect(record?.secretCiphertext).not.toContain(created.body.secret);
    expect(await cipher.decrypt(record!.secretCiphertext, webhookSecretContext('acme', id))).toBe(
      created.body.secret,
    );
  });

  it('refuses unsafe URLs with 422 unsafe_webhook_url', async () => {
    for (const url of [
      'http://hooks.example.com/in',
      'https://127.0.0.1/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://[::ffff:127.0.0.1]/',
      'https://169.254.169.254/latest',
      'https://localhost/',
      'https://a.localhost/',
      'https://user:pw@hooks.example.com/',
      'https://rebind.example.com/',
      'https://hooks.example.com:22/',
    ]) {
      const res = await call('acme', 'POST', '/api/webhooks', { ...valid, url });
      expect([url, res.status, res.body.error.code]).toEqual([url, 422, 'unsafe_webhook_url']);
    }
  });

  it('refuses malformed bodies with 400', async () => {
    for (const body of [
      { ...valid, events: [] },
      { ...valid, events: ['Bad Event'] },
      { ...valid, events: Array.from({ length: 51 }, (_, i) => `e.n${i}`) },
      { ...valid, extra: true },
      { events: valid.events },
      { ...valid, url: 'x'.repeat(3000) },
      '{"url":',
      [],
    ]) {
      const res = await call('acme', 'POST', '/api/webhooks', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toMatch(/invalid_request|malformed_body/);
    }
  });

  it("keeps tenants apart: another tenant's webhook is a 404 everywhere", async () => {
    const { body } = await call('acme', 'POST', '/api/webhooks', valid);
    const id = body.webhook_id;
    expect((await call('globex', 'GET', `/api/webhooks/${id}`)).status).toBe(404);
    expect((await call('globex', 'PATCH', `/api/webhooks/${id}`, { active: false })).status).toBe(404);
    expect((await call('globex', 'POST', `/api/webhooks/${id}/rotate-secret`)).status).toBe(404);
    expect((await call('globex', 'GET', `/api/webhooks/${id}/deliveries`)).status).toBe(404);
    expect((await call('globex', 'DELETE', `/api/webhooks/${id}`)).status).toBe(404);
    expect((await call('globex', 'GET', '/api/webhooks')).body.webhooks).toEqual([]);
    expect((await call('acme', 'GET', `/api/webhooks/${id}`)).status).toBe(200);
    expect((await call('acme', 'GET', '/api/webhooks/bad%23id')).status).toBe(400);
  });

  it('patches, re-checks the URL, rotates the secret and deletes', async () => {
    const { body } = await call('acme', 'POST', '/api/webhooks', valid);
    const id = body.webhook_id;
    const patched = await call('acme', 'PATCH', `/api/webhooks/${id}`, {
      events: ['*'],
      description: 'all',
      active: false,
    });
    expect(patched).toMatchObject({
      status: 200,
      body: { events: ['*'], description: 'all', active: false },
    });
    const unsafe = await call('acme', 'PATCH', `/api/webhooks/${id}`, { url: 'https://10.1.1.1/' });
    expect(unsafe).toMatchObject({ status: 422, body: { error: { code: 'unsafe_webhook_url' } } });

    const rotated = await call('acme', 'POST', `/api/webhooks/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(body.secret);
    expect(rotated.body.previous_secret_expires_at).toBe(new Date(now.getTime() + 3_600_000).toISOString());
    const record = await store.webhooks.get({ tenantId: 'acme', webhookId: id });
    const context = webhookSecretContext('acme', id);
    expect(await cipher.decrypt(record!.previousSecretCiphertext!, context)).toBe(body.secret);
    expect(await cipher.decrypt(record!.secretCiphertext, context)).toBe(rotated.body.secret);

    expect((await call('acme', 'DELETE', `/api/webhooks/${id}`)).status).toBe(204);
    expect((await call('acme', 'GET', `/api/webhooks/${id}`)).status).toBe(404);
  });

  it('publishes app events to matching subscriptions, idempotently, and redelivers', async () => {
    const { body } = await call('fan', 'POST', '/api/webhooks', { ...valid, events: ['entry.*'] });
    const id = body.webhook_id;
    await call('fan', 'POST', '/api/webhooks', { ...valid, events: ['invoice.processed'] });
    const first = await call('fan', 'POST', '/api/events', {
      event: 'entry.approved',
      payload: { entry_id: 'e1' },
      event_id: 'evt_app_1',
    });
    expect(first).toMatchObject({ status: 202, body: { event_id: 'evt_app_1', deliveries: 1 } });
    const sentAfterFirst = sent.length;
    const again = await call('fan', 'POST', '/api/events', {
      event: 'entry.approved',
      payload: { entry_id: 'e1' },
      event_id: 'evt_app_1',
    });
    expect(again.body.deliveries).toBe(1);
    expect(sent.length).toBe(sentAfterFirst);

    const deliveries = await call('fan', 'GET', `/api/webhooks/${id}/deliveries`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.deliveries).toHaveLength(1);
    const delivery = deliveries.body.deliveries[0];
    expect(delivery).toMatchObject({
      event: 'entry.approved',
      event_id: 'evt_app_1',
      status: 'pending',
      attempts: 0,
    });

    const redo = await call(
      'fan',
      'POST',
      `/api/webhooks/${id}/deliveries/${delivery.delivery_id}/redeliver`,
    );
    expect(redo).toMatchObject({
      status: 202,
      body: { redelivery_of: delivery.delivery_id, event_id: 'evt_app_1' },
    });
    expect(sent.length).toBe(sentAfterFirst + 1);
    expect(
      (await call('globex', 'POST', `/api/webhooks/${id}/deliveries/${delivery.delivery_id}/redeliver`))
        .status,
    ).toBe(404);
    const newest = await call('fan', 'GET', `/api/webhooks/${id}/deliveries?limit=1`);
    expect(newest.body.deliveries[0].delivery_id).toBe(redo.body.delivery_id);
    expect(newest.body.cursor).toBeTypeOf('string');
  });

  it('refuses hostile events', async () => {
    const post = (body: unknown) => call('acme', 'POST', '/api/events', body);
    expect((await post({ event: 'NoDots', payload: {} })).status).toBe(400);
    expect((await post({ event: 'entry.approved', payload: 'x' })).status).toBe(400);
    expect((await post({ event: 'entry.approved', payload: {}, event_id: 'a#b' })).status).toBe(400);
    expect(await post({ event: 'webhook.disabled', payload: {} })).toMatchObject({
      status: 400,
      body: { error: { code: 'reserved_event' } },
    });
    const big = await post({ event: 'entry.approved', payload: { blob: 'x'.repeat(66_000) } });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    const huge = await post({ event: 'entry.approved', payload: { blob: 'x'.repeat(200_000) } });
    expect(huge.status).toBe(413);
  });
});
