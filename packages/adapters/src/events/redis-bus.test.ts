import type { JobEvent, RealtimeEvent } from '@paperlane/core';
import { type RedisServer, startRedis } from '@paperlane/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessEventBus } from './in-process-bus';
import { createRedisEventBus, DEFAULT_EVENTS_CHANNEL } from './redis-bus';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const event: JobEvent = {
  type: 'job:progress',
  jobId: 'job_1',
  tenantId: 'tenant-a',
  queue: 'thumbnail',
  status: 'processing',
  progress: 40,
  attempt: 1,
  at: '2026-11-22T10:00:00.000Z',
};

function nextEvent(bus: ReturnType<typeof createRedisEventBus>): Promise<RealtimeEvent> {
  return new Promise((resolve) => {
    const off = bus.subscribe((e) => {
      off();
      resolve(e);
    });
  });
}

describe('Redis event bus', () => {
  it('delivers an event published in one process to subscribers of another', async () => {
    const worker = createRedisEventBus({ url: redis.url });
    const api = createRedisEventBus({ url: redis.url });
    const received = nextEvent(api);
    await api.ready();
    await worker.publish(event);
    expect(await received).toEqual(event);
    await Promise.all([worker.close(), api.close()]);
  });

  it('drops hostile messages on the channel and keeps delivering valid ones', async () => {
    const api = createRedisEventBus({ url: redis.url });
    const seen: RealtimeEvent[] = [];
    api.subscribe((e) => seen.push(e));
    const valid = nextEvent(api);
    await api.ready();
    const raw = new Redis(redis.url);
    await raw.publish(DEFAULT_EVENTS_CHANNEL, 'not json');
    await raw.publish(DEFAULT_EVENTS_CHANNEL, JSON.stringify({ ...event, tenantId: 'a b' }));
    await raw.publish(DEFAULT_EVENTS_CHANNEL, JSON.stringify({ ...event, progress: 400 }));
    await raw.publish(DEFAULT_EVENTS_CHANNEL, JSON.stringify({ ...event, jobId: 'job_2' }));
    expect(await valid).toMatchObject({ jobId: 'job_2' });
    expect(seen.map((e) => ('jobId' in e ? e.jobId : e.sessionId))).toEqual(['job_2']);
    raw.disconnect();
    await api.close();
  });

  it('keeps other listeners running when one throws', async () => {
    const bus = createInProcessEventBus();
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('listener bug');
    });
    bus.subscribe((e) => seen.push('jobId' in e ? e.jobId : e.sessionId));
    await bus.publish(event);
    expect(seen).toEqual(['job_1']);
  });
});
