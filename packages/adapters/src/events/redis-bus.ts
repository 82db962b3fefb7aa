import type { EventBus, JobEventListener, Logger, RealtimeEvent } from '@paperlane/core';
import { describeError, realtimeEventSchema, silentLogger } from '@paperlane/core';
import { Redis } from 'ioredis';

export const DEFAULT_EVENTS_CHANNEL = 'paperlane:job-events';

/**
 * Job events across processes over Redis pub/sub: workers publish, every API
 * process subscribes and forwards to its own WebSocket/SSE clients. Messages from
 * the channel are validated before any listener sees them.
 */
export function createRedisEventBus(options: {
  url: string;
  channel?: string;
  logger?: Logger;
}): EventBus & { ready(): Promise<void> } {
  const channel = options.channel ?? DEFAULT_EVENTS_CHANNEL;
  const logger = options.logger ?? silentLogger;
  const publisher = new Redis(options.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
  let subscriber: Redis | undefined;
  let subscribed: Promise<unknown> = Promise.resolve();
  const listeners = new Set<JobEventListener>();

  const deliver = (raw: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      logger.warn('ignored a non-JSON event on the events channel');
      return;
    }
    const event = realtimeEventSchema.safeParse(parsed);
    if (!event.success) {
      logger.warn('ignored an invalid event on the events channel');
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(event.data);
      } catch (error) {
        logger.warn('event listener threw', { error: describeError(error) });
      }
    }
  };

  const ensureSubscriber = () => {
    if (subscriber) return;
    subscriber = new Redis(options.url, { maxRetriesPerRequest: null });
    subscriber.on('message', (_channel: string, message: string) => deliver(message));
    subscriber.on('error', (error: Error) =>
      logger.warn('events subscriber error', { error: describeError(error) }),
    );
    subscribed = subscriber.subscribe(channel).catch((error: unknown) => {
      logger.error('events subscribe failed', { error: describeError(error) });
    });
  };

  publisher.on('error', (error: Error) =>
    logger.warn('events publisher error', { error: describeError(error) }),
  );

  return {
    async publish(event: RealtimeEvent) {
      // lazyConnect: the first command connects; commands queue in order meanwhile.
      await publisher.publish(channel, JSON.stringify(event));
    },
    subscribe(listener) {
      ensureSubscriber();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Resolves once the subscription is live, so an event published next is not missed. */
    ready: () => subscribed.then(() => undefined),
    async close() {
      listeners.clear();
      await Promise.allSettled([publisher.quit(), subscriber?.quit()]);
    },
  };
}
