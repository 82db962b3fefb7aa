import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('ws-conn');
});
afterAll(async () => {
  await dynamo?.stop();
});

const connect = (connectionId: string, tenantId = 'tenant-a', ttlSeconds = 7200) =>
  store.wsConnections.connect({ connectionId, tenantId, userId: 'user-1', now: T0, ttlSeconds });

describe('WsConnectionStore', () => {
  it('records a connection with a TTL and finds it by id', async () => {
    const record = await connect('L0SM9cOFvHcCIhw=');
    expect(record.ttl).toBe(T0.getTime() / 1000 + 7200);
    expect(await store.wsConnections.get('L0SM9cOFvHcCIhw=')).toEqual(record);
    expect(await store.wsConnections.get('unknownConn=')).toBeUndefined();
  });

  it('lists subscribers per tenant and target, never across tenants', async () => {
    await connect('connA1=');
    await connect('connA2=');
    await connect('connB1=', 'tenant-b');
    const session = { kind: 'session', id: 'sess-1' } as const;
    const sub = (connectionId: string, tenantId = 'tenant-a') =>
      store.wsConnections.subscribe({ connectionId, tenantId, target: session, maxSubscriptions: 10 });
    expect(await sub('connA1=')).toBe('subscribed');
    expect(await sub('connA1=')).toBe('already_subscribed');
    expect(await sub('connA2=')).toBe('subscribed');
    expect(await sub('connB1=', 'tenant-b')).toBe('subscribed');
    // A connection cannot subscribe under another tenant than its own.
    expect(await sub('connB1=', 'tenant-a')).toBe('gone');

    const a = await store.wsConnections.subscribers({ tenantId: 'tenant-a', target: session, now: T0 });
    expect(a.sort()).toEqual(['connA1=', 'connA2=']);
    expect(await store.wsConnections.subscribers({ tenantId: 'tenant-b', target: session, now: T0 })).toEqual(
      ['connB1='],
    );
    expect((await store.wsConnections.get('connA1='))?.subscriptionCount).toBe(1);

    expect(await store.wsConnections.unsubscribe({ connectionId: 'connA2=', target: session })).toBe(true);
    expect(await store.wsConnections.unsubscribe({ connectionId: 'connA2=', target: session })).toBe(false);
    expect((await store.wsConnections.get('connA2='))?.subscriptionCount).toBe(0);
    expect(await store.wsConnections.subscribers({ tenantId: 'tenant-a', target: session, now: T0 })).toEqual(
      ['connA1='],
    );
  });

  it('caps subscriptions per connection', async () => {
    await connect('connCap=');
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(
        await store.wsConnections.subscribe({
          connectionId: 'connCap=',
          tenantId: 'tenant-a',
          target: { kind: 'job', id: `job-${i}` },
          maxSubscriptions: 3,
        }),
      );
    }
    expect(results).toEqual([
      'subscribed',
      'subscribed',
      'subscribed',
      'too_many_subscriptions',
      'too_many_subscriptions',
    ]);
    expect((await store.wsConnections.get('connCap='))?.subscriptionCount).toBe(3);
  });

  it('skips connections past their TTL and deletes a connection with its subscriptions', async () => {
    await connect('connOld=', 'tenant-a', 60);
    const job = { kind: 'job', id: 'job-ttl' } as const;
    await store.wsConnections.subscribe({
      connectionId: 'connOld=',
      tenantId: 'tenant-a',
      target: job,
      maxSubscriptions: 10,
    });
    expect(await store.wsConnections.subscribers({ tenantId: 'tenant-a', target: job, now: T0 })).toEqual([
      'connOld=',
    ]);
    expect(
      await store.wsConnections.subscribers({ tenantId: 'tenant-a', target: job, now: at(61_000) }),
    ).toEqual([]);
    expect(await store.wsConnections.disconnect('connOld=')).toBe(2);
    expect(await store.wsConnections.get('connOld=')).toBeUndefined();
    expect(await store.wsConnections.subscribers({ tenantId: 'tenant-a', target: job, now: T0 })).toEqual([]);
    expect(await store.wsConnections.disconnect('connOld=')).toBe(0);
  });

  it('refuses hostile ids before they reach a key', async () => {
    await expect(store.wsConnections.get('a#b')).rejects.toThrow('connection id');
    await expect(
      store.wsConnections.subscribe({
        connectionId: 'connA1=',
        tenantId: 'tenant-a',
        target: { kind: 'session', id: 'T#tenant-b#SESSION' },
        maxSubscriptions: 10,
      }),
    ).rejects.toThrow('subscription target');
  });
});
