import { z } from 'zod';

/**
 * A record some process changed that others may hold in a cache. Only the key
 * travels; a receiver drops its copy and reads the store again.
 */
export const storeChangeSchema = z.object({
  kind: z.literal('webhook'),
  tenantId: z.string().min(1).max(200),
  webhookId: z.string().min(1).max(200),
});
export type StoreChange = z.infer<typeof storeChangeSchema>;

export type StoreChangeListener = (change: StoreChange) => void;

/**
 * Tells caches in every process that a record changed (in-process, Redis pub/sub,
 * or the supervisor's IPC relay). Best effort and at most once: caches also expire
 * on their own, so a lost message costs staleness up to their TTL, never more.
 *
 * @example
 * changes.subscribe((change) => cache.forget(change));
 * await changes.publish({ kind: 'webhook', tenantId: 'acme', webhookId: 'wh_1' });
 */
export interface ChangeFeed {
  /** Reaches this process's listeners and, where the feed spans processes, the others. Never throws. */
  publish(change: StoreChange): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: StoreChangeListener): () => void;
  close(): Promise<void>;
}
