import { type ChangeFeed, type Clock, systemClock } from '@paperlane/core';
import type { WebhookRecord } from './webhook';
import type { WebhookRef, WebhookStore } from './webhook-store';

/**
 * How stale a cached subscription may get: a product decision (issue 14), a disabled
 * or rotated subscription may still be used for this long by a process that missed
 * the change message. Caches must not be configured above it.
 */
export const MAX_WEBHOOK_CACHE_TTL_MS = 5_000;

const keyOf = (ref: WebhookRef) => `${ref.tenantId}\u0000${ref.webhookId}`;

/**
 * The store with every change a cache cares about announced on `changes` once written:
 * settings, rotation, disabling, deletion. Delivery health (`recordDeliveryResult`) is
 * not announced; it changes on every failure and no cached decision rests on it for long.
 *
 * @example
 * const webhooks = publishingWebhookStore(store.webhooks, changes);
 * await webhooks.disable({ tenantId, webhookId, reason, at }); // caches everywhere drop wh
 */
export function publishingWebhookStore(webhooks: WebhookStore, changes: ChangeFeed): WebhookStore {
  const announce = (ref: WebhookRef) =>
    changes.publish({ kind: 'webhook', tenantId: ref.tenantId, webhookId: ref.webhookId });
  return {
    ...webhooks,
    async update(input) {
      const updated = await webhooks.update(input);
      await announce(input);
      return updated;
    },
    async rotateSecret(input) {
      const rotated = await webhooks.rotateSecret(input);
      await announce(input);
      return rotated;
    },
    async disable(input) {
      const switched = await webhooks.disable(input);
      await announce(input);
      return switched;
    },
    async delete(ref) {
      const deleted = await webhooks.delete(ref);
      await announce(ref);
      return deleted;
    },
  };
}

/** Subscriptions read through a per-process cache. */
export interface WebhookCache {
  /** The subscription, at most the TTL old, or as fresh as the last change message. */
  get(ref: WebhookRef): Promise<WebhookRecord | undefined>;
  /** Keeps a record this process just wrote (the store returned it), resetting its age. */
  remember(record: WebhookRecord): void;
  forget(ref: WebhookRef): void;
  /** Stops listening to the change feed. */
  close(): void;
}

interface Entry {
  record: WebhookRecord | undefined;
  fetchedAt: number;
}

/**
 * A per-process cache of subscriptions for the delivery job: one store read per
 * subscription per `ttlMs` instead of one per delivery. Entries are dropped when the
 * change feed announces the subscription changed, and expire after `ttlMs` (at most
 * {@link MAX_WEBHOOK_CACHE_TTL_MS}) in any case, which bounds staleness when a
 * message is lost or the feed spans one process only (Lambda). Concurrent misses
 * share one read; a read that started before a change is not cached.
 *
 * @example
 * const cache = createWebhookCache({ webhooks: store.webhooks, changes });
 * const webhook = await cache.get({ tenantId: 'acme', webhookId: 'wh_1' });
 */
export function createWebhookCache(options: {
  webhooks: Pick<WebhookStore, 'get'>;
  changes?: ChangeFeed;
  clock?: Clock;
  ttlMs?: number;
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
}): WebhookCache {
  const ttlMs = options.ttlMs ?? MAX_WEBHOOK_CACHE_TTL_MS;
  if (!(ttlMs >= 0 && ttlMs <= MAX_WEBHOOK_CACHE_TTL_MS))
    throw new RangeError(`webhook cache TTL must be 0..${MAX_WEBHOOK_CACHE_TTL_MS} ms`);
  const clock = options.clock ?? systemClock;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();
  const loading = new Map<string, Promise<WebhookRecord | undefined>>();
  // Bumped per key on every change, so a read in flight across a change is not kept.
  const generation = new Map<string, number>();

  const store = (key: string, record: WebhookRecord | undefined) => {
    entries.delete(key);
    entries.set(key, { record, fetchedAt: clock.now().getTime() });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  };
  const forget = (ref: WebhookRef) => {
    const key = keyOf(ref);
    entries.delete(key);
    loading.delete(key);
    generation.set(key, (generation.get(key) ?? 0) + 1);
  };
  const unsubscribe = options.changes?.subscribe((change) => {
    if (change.kind === 'webhook') forget(change);
  });

  return {
    get(ref) {
      const key = keyOf(ref);
      const entry = entries.get(key);
      if (entry && clock.now().getTime() - entry.fetchedAt < ttlMs) return Promise.resolve(entry.record);
      const pending = loading.get(key);
      if (pending) return pending;
      const startedAt = generation.get(key) ?? 0;
      const read = options.webhooks.get(ref).then(
        (record) => {
          if (loading.get(key) === read) loading.delete(key);
          if ((generation.get(key) ?? 0) === startedAt) store(key, record);
          return record;
        },
        (error: unknown) => {
          if (loading.get(key) === read) loading.delete(key);
          throw error;
        },
      );
      loading.set(key, read);
      return read;
    },
    remember(record) {
      store(keyOf(record), record);
    },
    forget,
    close() {
      unsubscribe?.();
      entries.clear();
    },
  };
}
