import { randomBytes } from 'node:crypto';
import { createLocalSecretCipher } from '@paperlane/adapters/crypto';
import { createRedisChangeFeed } from '@paperlane/adapters/events/change-feeds';
import { createInProcessChangeFeed } from '@paperlane/adapters/events/in-process-change-feed';
import { parseAllowedHosts } from '@paperlane/adapters/net/index';
import { createWebhookHttpSender } from '@paperlane/adapters/webhooks/index';
import { startTestReceiver, type TestReceiver } from '@paperlane/adapters/webhooks/test-receiver';
import {
  type ChangeFeed,
  cachingSecretOpener,
  type JobRecord,
  type SecretCipher,
  type StoreChange,
  silentLogger,
  startTrace,
} from '@paperlane/core';
import { createWebhookDeliveryHandler } from '@paperlane/jobs/webhooks/delivery-handler';
import { generateWebhookSecret } from '@paperlane/jobs/webhooks/signature';
import {
  createDocumentClient,
  createStore,
  createWebhookCache,
  ensureTable,
  MAX_WEBHOOK_CACHE_TTL_MS,
  publishingWebhookStore,
  type Store,
  webhookSecretContext,
} from '@paperlane/store';
import { type DynaliteServer, type RedisServer, startDynalite, startRedis } from '@paperlane/testing';
import { verifyXSignature256 } from '@paperlane/testing/webhook-verifiers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/**
 * The subscription cache across processes: each "process" here has its own DynamoDB
 * client, Redis connections, cache and delivery handler, sharing only the table and
 * Redis, as two workers would. The product bound: a disabled or rotated subscription
 * is used for at most 5 s after the change, and not at all once the change message
 * arrives.
 */
let dynalite: DynaliteServer;
let redis: RedisServer;
let receiver: TestReceiver;
const key = randomBytes(32).toString('base64');
const TENANT = 'acme';

beforeAll(async () => {
  [dynalite, redis, receiver] = await Promise.all([startDynalite(), startRedis(), startTestReceiver()]);
});
afterAll(async () => {
  await Promise.allSettled([dynalite?.stop(), redis?.stop(), receiver?.close()]);
});

let now = Date.now();
const clock = { now: () => new Date(now) };
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Counts decrypts, to show the cache opens each secret once. */
function countingCipher(): SecretCipher & { opened: number } {
  const cipher = createLocalSecretCipher({ key });
  const counting = {
    opened: 0,
    encrypt: cipher.encrypt,
    decrypt: (ciphertext: string, context: string) => {
      counting.opened++;
      return cipher.decrypt(ciphertext, context);
    },
  };
  return counting;
}

async function startProcessLike(tableName: string, changes: ChangeFeed) {
  const documentClient = createDocumentClient({ endpoint: dynalite.endpoint, region: 'us-east-1', env: {} });
  const plain = createStore({ documentClient, tableName });
  const store: Store = { ...plain, webhooks: publishingWebhookStore(plain.webhooks, changes) };
  let reads = 0;
  const cache = createWebhookCache({
    webhooks: {
      get: (ref) => {
        reads++;
        return store.webhooks.get(ref);
      },
    },
    changes,
    clock,
  });
  const cipher = countingCipher();
  const handler = createWebhookDeliveryHandler({
    store,
    subscriptions: cache,
    cipher: cachingSecretOpener(cipher),
    clock,
    events: { publish: async () => {} },
    sender: createWebhookHttpSender({ allowedHosts: parseAllowedHosts('127.0.0.1') }),
  });
  closers.push(async () => {
    cache.close();
    await changes.close();
    documentClient.destroy();
  });
  let n = 0;
  /** One delivery of a fresh event through this process's handler. */
  async function deliver(webhookId: string) {
    const deliveryId = `whd_${randomBytes(6).toString('hex')}_${n++}`;
    await store.webhookDeliveries.create({
      tenantId: TENANT,
      deliveryId,
      webhookId,
      event: 'entry.approved',
      eventId: `evt_${deliveryId}`,
      payload: { n },
      now: clock.now(),
    });
    const payload = {
      tenantId: TENANT,
      webhookId,
      webhookDeliveryId: deliveryId,
      event: 'entry.approved',
      url: 'unused',
      payload: { n },
    };
    return handler({
      job: { maxAttempts: 5 } as JobRecord,
      payload,
      attempt: 1,
      signal: new AbortController().signal,
      progress: async () => true,
      logger: silentLogger,
      span: startTrace(),
    });
  }
  return { store, cache, cipher, deliver, reads: () => reads };
}

async function freshTable() {
  const tableName = `cache-${randomBytes(4).toString('hex')}`;
  const documentClient = createDocumentClient({ endpoint: dynalite.endpoint, region: 'us-east-1', env: {} });
  await ensureTable(documentClient, tableName);
  documentClient.destroy();
  return tableName;
}

async function register(store: Store, webhookId: string) {
  const secret = generateWebhookSecret();
  const cipher = createLocalSecretCipher({ key });
  await store.webhooks.create({
    tenantId: TENANT,
    webhookId,
    url: `${receiver.origin}/in/${webhookId}`,
    events: ['*'],
    active: true,
    secretCiphertext: await cipher.encrypt(secret, webhookSecretContext(TENANT, webhookId)),
    now: clock.now(),
  });
  return secret;
}

/** Resolves when `feed` hears a change of `webhookId`. */
function heard(feed: ChangeFeed, webhookId: string): Promise<StoreChange> {
  return new Promise((resolve) => {
    const stop = feed.subscribe((change) => {
      if (change.webhookId !== webhookId) return;
      stop();
      resolve(change);
    });
  });
}

const received = (webhookId: string) => receiver.received.filter((r) => r.path === `/in/${webhookId}`);

describe('webhook subscriptions cached per process', () => {
  it('a subscription disabled in one process is not used by another once Redis relays the change', async () => {
    now = Date.now();
    const table = await freshTable();
    const feedB = createRedisChangeFeed({ url: redis.url });
    const a = await startProcessLike(table, createRedisChangeFeed({ url: redis.url }));
    const b = await startProcessLike(table, feedB);
    await feedB.ready();
    await register(a.store, 'wh_off');

    expect(await b.deliver('wh_off')).toMatchObject({ status: 'succeeded' });
    expect(await b.deliver('wh_off')).toMatchObject({ status: 'succeeded' });
    // One store read and one secret open for both deliveries.
    expect(b.reads()).toBe(1);
    expect(b.cipher.opened).toBe(1);

    const relayed = heard(feedB, 'wh_off');
    await a.store.webhooks.disable({
      tenantId: TENANT,
      webhookId: 'wh_off',
      reason: 'test',
      at: clock.now(),
    });
    await relayed;
    // The clock has not moved: only the change message can have dropped the cached copy.
    expect(await b.deliver('wh_off')).toMatchObject({ skipped: 'inactive' });
    expect(received('wh_off')).toHaveLength(2);
  });

  it('a rotated secret signs in the other process once Redis relays the change', async () => {
    now = Date.now();
    const table = await freshTable();
    const feedB = createRedisChangeFeed({ url: redis.url });
    const a = await startProcessLike(table, createRedisChangeFeed({ url: redis.url }));
    const b = await startProcessLike(table, feedB);
    await feedB.ready();
    const first = await register(a.store, 'wh_rot');
    await b.deliver('wh_rot');

    const second = generateWebhookSecret();
    const context = webhookSecretContext(TENANT, 'wh_rot');
    const cipher = createLocalSecretCipher({ key });
    const before = await a.store.webhooks.get({ tenantId: TENANT, webhookId: 'wh_rot' });
    const relayed = heard(feedB, 'wh_rot');
    await a.store.webhooks.rotateSecret({
      tenantId: TENANT,
      webhookId: 'wh_rot',
      secretCiphertext: await cipher.encrypt(second, context),
      previousSecretCiphertext: before?.secretCiphertext as string,
      previousExpiresAt: new Date(now + 60_000),
      now: clock.now(),
    });
    await relayed;
    await b.deliver('wh_rot');

    const [old, rotated] = received('wh_rot');
    expect(verifyXSignature256(first, old?.body ?? '', old?.headers['x-signature-256'])).toBe(true);
    // X-Signature-256 carries the current secret only: the new one, not the old.
    expect(verifyXSignature256(second, rotated?.body ?? '', rotated?.headers['x-signature-256'])).toBe(true);
    expect(verifyXSignature256(first, rotated?.body ?? '', rotated?.headers['x-signature-256'])).toBe(false);
  });

  it('without the change message (Lambda, a lost message) the other process stops within 5 s, not later', async () => {
    now = Date.now();
    const table = await freshTable();
    // Each process hears only itself: nothing tells B about A's change.
    const a = await startProcessLike(table, createInProcessChangeFeed());
    const b = await startProcessLike(table, createInProcessChangeFeed());
    await register(a.store, 'wh_lost');
    expect(await b.deliver('wh_lost')).toMatchObject({ status: 'succeeded' });

    await a.store.webhooks.disable({
      tenantId: TENANT,
      webhookId: 'wh_lost',
      reason: 'test',
      at: clock.now(),
    });
    // Just inside the bound the cached copy may still be used (the product allows it)...
    now += MAX_WEBHOOK_CACHE_TTL_MS - 1;
    expect(await b.deliver('wh_lost')).toMatchObject({ status: 'succeeded' });
    // ...and at the bound it is read again.
    now += 1;
    expect(await b.deliver('wh_lost')).toMatchObject({ skipped: 'inactive' });
  });

  it("drops the process's own copy at once when it disables a subscription itself", async () => {
    now = Date.now();
    const table = await freshTable();
    const a = await startProcessLike(table, createInProcessChangeFeed());
    await register(a.store, 'wh_self');
    await a.deliver('wh_self');
    await a.store.webhooks.update({
      tenantId: TENANT,
      webhookId: 'wh_self',
      active: false,
      now: clock.now(),
    });
    expect(await a.deliver('wh_self')).toMatchObject({ skipped: 'inactive' });
  });

  it('refuses a TTL above the 5 s product bound', () => {
    expect(() => createWebhookCache({ webhooks: { get: async () => undefined }, ttlMs: 5_001 })).toThrow(
      RangeError,
    );
  });
});
