import { ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';
import { webhookDeliveryId, webhookSecretContext } from './webhook';

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('webhooks');
});
afterAll(async () => {
  await dynamo?.stop();
});

function newWebhook(tenantId: string, webhookId: string, extra: Record<string, unknown> = {}) {
  return {
    tenantId,
    webhookId,
    url: 'https://hooks.example.com/in',
    events: ['invoice.processed', 'entry.*'],
    active: true,
    secretCiphertext: 'sealed-1',
    now: T0,
    ...extra,
  };
}

describe('webhook store', () => {
  it('creates once, reads back, and hides it from other tenants', async () => {
    const first = await store.webhooks.create(newWebhook('acme', 'wh_a', { description: 'ERP' }));
    expect(first.created).toBe(true);
    const again = await store.webhooks.create(
      newWebhook('acme', 'wh_a', { url: 'https://other.example.com' }),
    );
    expect(again).toMatchObject({ created: false, webhook: { url: 'https://hooks.example.com/in' } });
    expect(await store.webhooks.get({ tenantId: 'acme', webhookId: 'wh_a' })).toMatchObject({
      description: 'ERP',
      revision: 1,
      events: ['invoice.processed', 'entry.*'],
    });
    expect(await store.webhooks.get({ tenantId: 'globex', webhookId: 'wh_a' })).toBeUndefined();
    expect((await store.webhooks.list('globex')).items).toEqual([]);
  });

  it('refuses hostile input before it reaches a key', async () => {
    await expect(store.webhooks.create(newWebhook('acme', 'wh#x'))).rejects.toBeInstanceOf(ValidationError);
    await expect(store.webhooks.create(newWebhook('acme', 'wh_b', { events: [] }))).rejects.toThrow(
      ValidationError,
    );
    await expect(
      store.webhooks.create(newWebhook('acme', 'wh_b', { events: ['Invoice Processed'] })),
    ).rejects.toThrow(ValidationError);
    await expect(
      store.webhooks.create(newWebhook('acme', 'wh_b', { url: 'ftp://x.example' })),
    ).rejects.toThrow(ValidationError);
    await expect(store.webhooks.get({ tenantId: 'T#acme', webhookId: 'wh_a' })).rejects.toThrow(
      ValidationError,
    );
  });

  it('lists, updates, rotates and tracks failures', async () => {
    await store.webhooks.create(newWebhook('list', 'wh_1'));
    await store.webhooks.create(newWebhook('list', 'wh_2'));
    expect((await store.webhooks.listAll('list')).map((w) => w.webhookId)).toEqual(['wh_1', 'wh_2']);

    const updated = await store.webhooks.update({
      tenantId: 'list',
      webhookId: 'wh_1',
      events: ['*'],
      description: 'all',
      now: at(1000),
    });
    expect(updated).toMatchObject({ events: ['*'], description: 'all', revision: 2 });
    expect(
      await store.webhooks.update({ tenantId: 'list', webhookId: 'wh_missing', active: false, now: at(1) }),
    ).toBeUndefined();

    const rotated = await store.webhooks.rotateSecret({
      tenantId: 'list',
      webhookId: 'wh_1',
      secretCiphertext: 'sealed-2',
      previousSecretCiphertext: 'sealed-1',
      previousExpiresAt: at(86_400_000),
      now: at(2000),
    });
    expect(rotated).toMatchObject({
      secretCiphertext: 'sealed-2',
      previousSecretCiphertext: 'sealed-1',
      previousExpiresAt: at(86_400_000).toISOString(),
    });

    const ref = { tenantId: 'list', webhookId: 'wh_1' };
    const f1 = await store.webhooks.recordDeliveryResult({
      ...ref,
      ok: false,
      statusCode: 500,
      at: at(3000),
    });
    const f2 = await store.webhooks.recordDeliveryResult({
      ...ref,
      ok: false,
      statusCode: 502,
      at: at(9000),
    });
    expect(f1?.consecutiveFailureSince).toBe(at(3000).toISOString());
    // A failing run keeps its start.
    expect(f2).toMatchObject({ consecutiveFailureSince: at(3000).toISOString(), lastStatusCode: 502 });
    const ok = await store.webhooks.recordDeliveryResult({
      ...ref,
      ok: true,
      statusCode: 200,
      at: at(10_000),
    });
    expect(ok?.consecutiveFailureSince).toBeUndefined();

    expect(await store.webhooks.disable({ ...ref, reason: 'gone', at: at(11_000) })).toBe(true);
    expect(await store.webhooks.disable({ ...ref, reason: 'gone', at: at(12_000) })).toBe(false);
    expect(await store.webhooks.get(ref)).toMatchObject({ active: false, disabledReason: 'gone' });
    const reactivated = await store.webhooks.update({ ...ref, active: true, now: at(13_000) });
    expect(reactivated).toMatchObject({ active: true });
    expect(reactivated?.disabledReason).toBeUndefined();

    expect(await store.webhooks.delete(ref)).toBe(true);
    expect(await store.webhooks.delete(ref)).toBe(false);
  });

  it('names the secret context per tenant and webhook', () => {
    expect(webhookSecretContext('acme', 'wh_1')).toBe('tenant:acme/webhook:wh_1');
  });
});

describe('webhook delivery store', () => {
  const delivery = (webhookId: string, eventId: string, ms: number) => ({
    tenantId: 'acme',
    deliveryId: webhookDeliveryId(eventId, webhookId),
    webhookId,
    event: 'invoice.processed',
    eventId,
    payload: { invoice_id: 'inv_1' },
    now: at(ms),
  });

  it('derives one delivery per (event, subscription) and creates it once', async () => {
    expect(webhookDeliveryId('evt_1', 'wh_x')).toBe(webhookDeliveryId('evt_1', 'wh_x'));
    expect(webhookDeliveryId('evt_1', 'wh_x')).not.toBe(webhookDeliveryId('evt_1', 'wh_y'));
    const first = await store.webhookDeliveries.create(delivery('wh_x', 'evt_1', 0));
    const second = await store.webhookDeliveries.create({
      ...delivery('wh_x', 'evt_1', 5),
      payload: { other: 1 },
    });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({
      created: false,
      delivery: { payload: { invoice_id: 'inv_1' }, status: 'pending' },
    });
  });

  it('lists a subscription newest first, in pages, and only for its tenant', async () => {
    for (let i = 0; i < 5; i++)
      await store.webhookDeliveries.create(delivery('wh_page', `evt_p${i}`, i * 1000));
    const ref = { tenantId: 'acme', webhookId: 'wh_page' };
    const page1 = await store.webhookDeliveries.listByWebhook(ref, { limit: 3 });
    expect(page1.items.map((d) => d.eventId)).toEqual(['evt_p4', 'evt_p3', 'evt_p2']);
    const page2 = await store.webhookDeliveries.listByWebhook(ref, { limit: 3, cursor: page1.cursor! });
    expect(page2.items.map((d) => d.eventId)).toEqual(['evt_p1', 'evt_p0']);
    expect(page2.cursor).toBeUndefined();
    expect((await store.webhookDeliveries.listByWebhook({ ...ref, tenantId: 'globex' })).items).toEqual([]);
    // Another tenant's cursor is refused, not followed.
    await expect(
      store.webhookDeliveries.listByWebhook({ ...ref, tenantId: 'globex' }, { cursor: page1.cursor! }),
    ).rejects.toThrow(ValidationError);
  });

  it('records attempts and deletes a subscription’s deliveries', async () => {
    const { delivery: d } = await store.webhookDeliveries.create(delivery('wh_rec', 'evt_r', 0));
    const ref = { tenantId: 'acme', deliveryId: d.deliveryId };
    expect(
      await store.webhookDeliveries.recordAttempt({
        ...ref,
        status: 'pending',
        attempts: 1,
        lastStatusCode: 500,
        durationMs: 12,
        error: 'HTTP 500',
        responseExcerpt: 'oops',
        nextAttemptAt: at(60_000),
        at: at(100),
      }),
    ).toBe(true);
    expect(await store.webhookDeliveries.get(ref)).toMatchObject({
      attempts: 1,
      lastStatusCode: 500,
      nextAttemptAt: at(60_000).toISOString(),
    });
    expect(
      await store.webhookDeliveries.recordAttempt({
        ...ref,
        status: 'succeeded',
        attempts: 2,
        lastStatusCode: 200,
        error: null,
        nextAttemptAt: null,
        at: at(60_100),
      }),
    ).toBe(true);
    const ok = await store.webhookDeliveries.get(ref);
    expect(ok).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200, payload: d.payload });
    expect(ok?.error).toBeUndefined();
    expect(ok?.nextAttemptAt).toBeUndefined();
    expect(
      await store.webhookDeliveries.recordAttempt({
        ...ref,
        tenantId: 'globex',
        status: 'failed',
        attempts: 9,
        at: at(1),
      }),
    ).toBe(false);
    await expect(
      store.webhookDeliveries.recordAttempt({ ...ref, status: 'bogus' as 'failed', attempts: 1, at: at(1) }),
    ).rejects.toThrow(ValidationError);

    expect(await store.webhookDeliveries.deleteByWebhook({ tenantId: 'acme', webhookId: 'wh_rec' })).toBe(1);
    expect(await store.webhookDeliveries.get(ref)).toBeUndefined();
  });

  it('records a fenced attempt only over the pending delivery it started from', async () => {
    const { delivery: d } = await store.webhookDeliveries.create(delivery('wh_fence', 'evt_f', 0));
    const ref = { tenantId: 'acme', deliveryId: d.deliveryId };
    const attempt = (attempts: number, expect: { webhookId: string; attempts: number }) =>
      store.webhookDeliveries.recordAttempt({
        ...ref,
        status: 'pending',
        attempts,
        error: 'HTTP 500',
        at: at(1),
        expect,
      });
    // Another subscription's fence, or a stale attempt count, writes nothing.
    expect(await attempt(1, { webhookId: 'wh_other', attempts: 0 })).toBe(false);
    expect(await attempt(1, { webhookId: 'wh_fence', attempts: 3 })).toBe(false);
    expect(await store.webhookDeliveries.get(ref)).toMatchObject({ attempts: 0 });
    expect(await attempt(1, { webhookId: 'wh_fence', attempts: 0 })).toBe(true);
    // The same fence again is the same run's write landing twice: refused, the first stands.
    expect(await attempt(1, { webhookId: 'wh_fence', attempts: 0 })).toBe(false);
    expect(
      await store.webhookDeliveries.recordAttempt({
        ...ref,
        status: 'succeeded',
        attempts: 2,
        at: at(2),
        expect: { webhookId: 'wh_fence', attempts: 1 },
      }),
    ).toBe(true);
    // A finished delivery takes no fenced write, whatever the count.
    expect(await attempt(3, { webhookId: 'wh_fence', attempts: 2 })).toBe(false);
    expect(await store.webhookDeliveries.get(ref)).toMatchObject({ status: 'succeeded', attempts: 2 });
    // Another tenant's key never matches; a malformed fence is refused before any write.
    expect(
      await store.webhookDeliveries.recordAttempt({
        ...ref,
        tenantId: 'globex',
        status: 'pending',
        attempts: 3,
        at: at(3),
        expect: { webhookId: 'wh_fence', attempts: 2 },
      }),
    ).toBe(false);
    await expect(attempt(1, { webhookId: 'wh fence#', attempts: 0 })).rejects.toThrow(ValidationError);
    await expect(attempt(1, { webhookId: 'wh_fence', attempts: -1 })).rejects.toThrow(ValidationError);
  });
});
