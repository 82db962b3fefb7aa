import { randomBytes } from 'node:crypto';
import { createLocalSecretCipher } from '@paperlane/adapters/crypto';
import type { SecretCipher } from '@paperlane/core';
import { type Store, type WebhookRecord, webhookSecretContext } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateWebhookSecret, webhookSignatureHeaders } from './signature';
import { createSigningKeyCache } from './signing-key-cache';

let dynamo: TestDynamo;
let store: Store;
const sealer = createLocalSecretCipher({ key: randomBytes(32).toString('base64') });
/** The real cipher, with the contexts it was asked to open under. */
let opened: string[];
const cipher: SecretCipher = {
  encrypt: (plaintext, context) => sealer.encrypt(plaintext, context),
  decrypt: (ciphertext, context) => {
    opened.push(context);
    return sealer.decrypt(ciphertext, context);
  },
};
const now = new Date('2030-01-01T00:00:00Z');
const body = '{"id":"evt_1"}';
/** What the keys sign, to compare with the same headers signed with the secret strings. */
const signed = (
  secret: Parameters<typeof webhookSignatureHeaders>[0]['secret'],
  previousSecret?: typeof secret,
) => webhookSignatureHeaders({ id: 'evt_1', at: now, body, secret, previousSecret });

async function subscription(tenantId: string, webhookId: string, secret: string): Promise<WebhookRecord> {
  const { webhook } = await store.webhooks.create({
    tenantId,
    webhookId,
    url: 'https://hooks.example.com/in',
    events: ['*'],
    active: true,
    secretCiphertext: await cipher.encrypt(secret, webhookSecretContext(tenantId, webhookId)),
    now,
  });
  return webhook;
}

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  store = await dynamo.freshStore('signing-keys');
  opened = [];
});

describe('signing key cache', () => {
  it('opens a subscription secret once and signs as the secret itself does', async () => {
    const secret = generateWebhookSecret();
    const webhook = await subscription('acme', 'wh_1', secret);
    const cache = createSigningKeyCache({ cipher });
    expect(cache.peek(webhook, false)).toBeUndefined();
    const keys = await cache.open(webhook, false);
    expect(cache.peek(webhook, false)).toBe(keys);
    expect(signed(keys.current)).toEqual(signed(secret));
    expect(opened).toEqual([webhookSecretContext('acme', 'wh_1')]);
  });

  it('opens again when the secret was rotated, and the previous one only when asked for', async () => {
    const first = generateWebhookSecret();
    const second = generateWebhookSecret();
    const webhook = await subscription('acme', 'wh_1', first);
    const cache = createSigningKeyCache({ cipher });
    await cache.open(webhook, false);
    const rotated = await store.webhooks.rotateSecret({
      tenantId: 'acme',
      webhookId: 'wh_1',
      secretCiphertext: await cipher.encrypt(second, webhookSecretContext('acme', 'wh_1')),
      previousSecretCiphertext: webhook.secretCiphertext,
      previousExpiresAt: new Date(now.getTime() + 3_600_000),
      now,
    });
    if (!rotated) throw new Error('rotation not written');
    opened = [];
    // The record this process still holds keeps its keys; the rotated one does not match them.
    expect(cache.peek(webhook, false)).toBeDefined();
    expect(cache.peek(rotated, false)).toBeUndefined();
    const current = await cache.open(rotated, false);
    expect(signed(current.current)).toEqual(signed(second));
    expect(current.previous).toBeUndefined();
    expect(opened).toHaveLength(1);
    // During the grace period both sign; the previous secret is opened then, once.
    expect(cache.peek(rotated, true)).toBeUndefined();
    const both = await cache.open(rotated, true);
    if (!both.previous) throw new Error('previous key not opened');
    expect(signed(both.current, both.previous)).toEqual(signed(second, first));
    expect(cache.peek(rotated, true)).toBe(both);
    expect(opened).toHaveLength(2);
  });

  it('keeps at most maxEntries subscriptions, the least recently opened going first', async () => {
    const a = await subscription('acme', 'wh_a', generateWebhookSecret());
    const b = await subscription('acme', 'wh_b', generateWebhookSecret());
    const c = await subscription('acme', 'wh_c', generateWebhookSecret());
    const cache = createSigningKeyCache({ cipher, maxEntries: 2 });
    await cache.open(a, false);
    await cache.open(b, false);
    await cache.open(c, false);
    expect(cache.peek(a, false)).toBeUndefined();
    expect(cache.peek(b, false)).toBeDefined();
    expect(cache.peek(c, false)).toBeDefined();
  });

  it('keeps keys per tenant: the same subscription id in two tenants signs with each its own secret', async () => {
    const acmeSecret = generateWebhookSecret();
    const globexSecret = generateWebhookSecret();
    const acme = await subscription('acme', 'wh_1', acmeSecret);
    const globex = await subscription('globex', 'wh_1', globexSecret);
    const cache = createSigningKeyCache({ cipher });
    await cache.open(acme, false);
    expect(cache.peek(globex, false)).toBeUndefined();
    const keys = await cache.open(globex, false);
    expect(signed(keys.current)).toEqual(signed(globexSecret));
    const acmeKeys = cache.peek(acme, false);
    if (!acmeKeys) throw new Error("acme's keys were dropped");
    expect(signed(acmeKeys.current)).toEqual(signed(acmeSecret));
    // A record claiming another tenant's sealed secret does not open: the context names the tenant.
    await expect(cache.open({ ...globex, secretCiphertext: acme.secretCiphertext }, false)).rejects.toThrow();
    expect(cache.peek(globex, false)).toBe(keys);
  });
});
