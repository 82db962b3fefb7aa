import type { JobRecord } from '@paperlane/core';
import type { Store } from '@paperlane/store';
import { startTestDynamo, T0, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordLostWebhookDelivery } from './record-lost-delivery';

let dynamo: TestDynamo;
let store: Store;
const clock = { now: () => T0 };

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('lost-delivery');
});
afterAll(async () => {
  await dynamo?.stop();
});

function deliveryJob(deliveryId: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    tenantId: 'tenant-w',
    jobId: `job-${deliveryId}`,
    queue: 'webhook-delivery',
    targetType: 'webhook-delivery',
    targetId: deliveryId,
    status: 'failed',
    errorCode: 'consumer_lost',
    lastError: 'consumer stopped responding during the last of 3 attempts',
    progress: 0,
    attempts: 4,
    maxAttempts: 3,
    priority: 'high',
    payload: {},
    traceId: 't',
    generation: 0,
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    availableAt: T0.toISOString(),
    ...overrides,
  };
}

async function pendingDelivery(deliveryId: string) {
  await store.webhookDeliveries.create({
    tenantId: 'tenant-w',
    deliveryId,
    webhookId: 'wh-1',
    event: 'job.completed',
    eventId: `evt-${deliveryId}`,
    payload: { job_id: 'j' },
    now: T0,
  });
}

describe('recordLostWebhookDelivery', () => {
  it('marks a delivery its failed job left pending as failed, with the reason, once', async () => {
    await pendingDelivery('whd-lost');
    const job = deliveryJob('whd-lost');
    await recordLostWebhookDelivery({ store, clock }, job);
    const after = await store.webhookDeliveries.get({ tenantId: 'tenant-w', deliveryId: 'whd-lost' });
    expect(after).toMatchObject({ status: 'failed', error: job.lastError });
    // A second run (the sweeper re-running the hook) changes nothing.
    await recordLostWebhookDelivery({ store, clock: { now: () => new Date(T0.getTime() + 60_000) } }, job);
    expect(await store.webhookDeliveries.get({ tenantId: 'tenant-w', deliveryId: 'whd-lost' })).toEqual(
      after,
    );
  });

  it('leaves deliveries alone for completed jobs, other queues and missing deliveries', async () => {
    await pendingDelivery('whd-kept');
    await recordLostWebhookDelivery({ store, clock }, deliveryJob('whd-kept', { status: 'complete' }));
    await recordLostWebhookDelivery({ store, clock }, deliveryJob('whd-kept', { queue: 'thumbnail' }));
    await recordLostWebhookDelivery({ store, clock }, deliveryJob('whd-nowhere'));
    expect(await store.webhookDeliveries.get({ tenantId: 'tenant-w', deliveryId: 'whd-kept' })).toMatchObject(
      {
        status: 'pending',
      },
    );
    expect(
      await store.webhookDeliveries.get({ tenantId: 'tenant-w', deliveryId: 'whd-nowhere' }),
    ).toBeUndefined();
  });
});
