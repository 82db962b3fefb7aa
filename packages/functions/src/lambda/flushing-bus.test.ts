import { createInProcessEventBus } from '@paperlane/adapters/events/in-process-bus';
import { type EventBus, type JobEvent, silentLogger } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { createFlushingBus } from './flushing-bus';

const event = (jobId: string): JobEvent => ({
  type: 'job:complete',
  jobId,
  tenantId: 't',
  queue: 'thumbnail',
  status: 'complete',
  progress: 100,
  attempt: 1,
  at: '2026-12-02T12:00:00.000Z',
});

/** A bus whose publishes finish only when the test says so. */
function gatedBus() {
  const delivered: string[] = [];
  const gates: Array<() => void> = [];
  const bus: EventBus = {
    publish: (e) =>
      new Promise<void>((resolve, reject) => {
        gates.push(() => {
          const id = 'jobId' in e ? e.jobId : e.sessionId;
          if (id === 'bad') reject(new Error('push failed'));
          else {
            delivered.push(id);
            resolve();
          }
        });
      }),
    subscribe: () => () => {},
    close: async () => {},
  };
  return {
    bus,
    delivered,
    open: () => {
      for (const gate of gates.splice(0)) gate();
    },
  };
}

describe('createFlushingBus', () => {
  it('flush waits for every publish in flight, failed ones included, and then for none', async () => {
    const inner = gatedBus();
    const bus = createFlushingBus(inner.bus);
    // The processor's way: fire and forget.
    void bus.publish(event('a'));
    bus.publish(event('bad')).catch(() => {});
    let flushed = false;
    const flushing = bus.flush().then(() => {
      flushed = true;
    });
    await Promise.resolve();
    expect(flushed).toBe(false);
    inner.open();
    await flushing;
    expect(flushed).toBe(true);
    expect(inner.delivered).toEqual(['a']);
    await expect(bus.flush()).resolves.toBeUndefined();
  });

  it('passes subscriptions through to the inner bus', async () => {
    const bus = createFlushingBus(createInProcessEventBus(silentLogger));
    const seen: string[] = [];
    const off = bus.subscribe((e) => seen.push('jobId' in e ? e.jobId : e.sessionId));
    await bus.publish(event('x'));
    off();
    await bus.publish(event('y'));
    await bus.flush();
    expect(seen).toEqual(['x']);
  });
});
