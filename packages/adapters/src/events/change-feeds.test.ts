import type { StoreChange } from '@paperlane/core';
import { type RedisServer, startRedis } from '@paperlane/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIpcChangeFeed, createRedisChangeFeed } from './change-feeds';
import type { IpcChannel } from './ipc-bus';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('change feeds', () => {
  it('the IPC feed relays valid changes and ignores malformed or oversized ones', async () => {
    const handlers = new Set<(message: unknown) => void>();
    const channel: IpcChannel = {
      connected: true,
      send: () => true,
      on: (_event, listener) => handlers.add(listener),
      off: (_event, listener) => handlers.delete(listener),
    };
    const feed = createIpcChangeFeed({ channel });
    const got: StoreChange[] = [];
    feed.subscribe((change) => got.push(change));
    const emit = (message: unknown) => {
      for (const handler of handlers) handler(message);
    };
    emit({ kind: 'paperlane:store-change', change: { kind: 'webhook', tenantId: 't', webhookId: 'w' } });
    emit({ kind: 'paperlane:store-change', change: { kind: 'webhook', tenantId: '', webhookId: 'w' } });
    emit({ kind: 'paperlane:store-change', change: { kind: 'job', tenantId: 't', webhookId: 'w' } });
    emit({
      kind: 'paperlane:store-change',
      change: { kind: 'webhook', tenantId: 'x'.repeat(201), webhookId: 'w' },
    });
    emit({ kind: 'paperlane:store-change' });
    emit('paperlane:store-change');
    emit(null);
    expect(got).toEqual([{ kind: 'webhook', tenantId: 't', webhookId: 'w' }]);
    await feed.close();
    expect(handlers.size).toBe(0);
  });

  it('the Redis feed ignores non-JSON and mis-shaped messages on its channel', async () => {
    const feed = createRedisChangeFeed({ url: redis.url, channel: 'hostile' });
    const publisher = createRedisChangeFeed({ url: redis.url, channel: 'hostile' });
    closers.push(
      () => feed.close(),
      () => publisher.close(),
    );
    const got: StoreChange[] = [];
    feed.subscribe((change) => got.push(change));
    await feed.ready();
    const raw = new Redis(redis.url);
    closers.push(() => raw.quit());
    await raw.publish('hostile:changes', 'not json');
    await raw.publish('hostile:changes', JSON.stringify({ origin: 'x', change: { kind: 'webhook' } }));
    await raw.publish('hostile:changes', JSON.stringify({ kind: 'webhook', tenantId: 't', webhookId: 'w' }));
    // Redis delivers in order: once this valid one arrives, the ones before it were seen and dropped.
    const arrived = new Promise<void>((resolve) => feed.subscribe(() => resolve()));
    await publisher.publish({ kind: 'webhook', tenantId: 't', webhookId: 'w2' });
    await arrived;
    expect(got).toEqual([{ kind: 'webhook', tenantId: 't', webhookId: 'w2' }]);
  });

  it("the Redis feed tells this process's listeners at once and does not hand them the echo", async () => {
    const feed = createRedisChangeFeed({ url: redis.url, channel: 'echo' });
    const other = createRedisChangeFeed({ url: redis.url, channel: 'echo' });
    closers.push(
      () => feed.close(),
      () => other.close(),
    );
    const mine: StoreChange[] = [];
    const theirs: StoreChange[] = [];
    feed.subscribe((change) => mine.push(change));
    other.subscribe((change) => theirs.push(change));
    await Promise.all([feed.ready(), other.ready()]);
    const first = new Promise<void>((resolve) => other.subscribe(() => resolve()));
    await feed.publish({ kind: 'webhook', tenantId: 't', webhookId: 'a' });
    expect(mine).toHaveLength(1);
    await first;
    // A second change from the other side: once it arrives, any echo of the first would have too.
    const second = new Promise<void>((resolve) => feed.subscribe(() => resolve()));
    await other.publish({ kind: 'webhook', tenantId: 't', webhookId: 'b' });
    await second;
    expect(mine.map((c) => c.webhookId)).toEqual(['a', 'b']);
    expect(theirs.map((c) => c.webhookId)).toEqual(['a', 'b']);
  });
});
