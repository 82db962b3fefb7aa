import {
  type ChangeFeed,
  describeError,
  type Logger,
  silentLogger,
  storeChangeSchema,
} from '@paperlane/core';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { changeListeners } from './in-process-change-feed';
import type { IpcChannel } from './ipc-bus';
import { DEFAULT_EVENTS_CHANNEL } from './redis-bus';

/** The Redis channel changes travel on: the job-event channel's name with `:changes`. */
export const changesChannel = (eventsChannel: string = DEFAULT_EVENTS_CHANNEL) => `${eventsChannel}:changes`;

/**
 * Changes across processes over Redis pub/sub (`<channel>:changes`). Local listeners
 * hear a change at once; other processes when Redis relays it. Messages are validated
 * before a listener sees them; a failed publish is logged, not thrown (caches expire anyway).
 *
 * @example
 * const changes = createRedisChangeFeed({ url: env.REDIS_URL, logger });
 * await changes.ready();
 */
export function createRedisChangeFeed(options: {
  url: string;
  /** The job-event channel; changes use `<channel>:changes`. */
  channel?: string;
  logger?: Logger;
}): ChangeFeed & { ready(): Promise<void> } {
  const channel = changesChannel(options.channel);
  const logger = options.logger ?? silentLogger;
  const listeners = changeListeners(logger);
  const publisher = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  publisher.on('error', (error: Error) =>
    logger.warn('changes publisher error', { error: describeError(error) }),
  );
  let subscriber: Redis | undefined;
  let subscribed: Promise<unknown> = Promise.resolve();
  // Each process's own publications come back from Redis; they were delivered locally already.
  const origin = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  const wire = z.object({ origin: z.string(), change: storeChangeSchema });

  const onMessage = (_channel: string, raw: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      logger.warn('ignored a non-JSON message on the changes channel');
      return;
    }
    const message = wire.safeParse(parsed);
    if (!message.success) {
      logger.warn('ignored an invalid message on the changes channel');
      return;
    }
    if (message.data.origin !== origin) listeners.deliver(message.data.change);
  };

  return {
    async publish(change) {
      listeners.deliver(change);
      try {
        await publisher.publish(channel, JSON.stringify({ origin, change }));
      } catch (error) {
        logger.warn('change not published', { kind: change.kind, error: describeError(error) });
      }
    },
    subscribe(listener) {
      if (!subscriber) {
        subscriber = new Redis(options.url, { maxRetriesPerRequest: null });
        subscriber.on('message', onMessage);
        subscriber.on('error', (error: Error) =>
          logger.warn('changes subscriber error', { error: describeError(error) }),
        );
        subscribed = subscriber.subscribe(channel).catch((error: unknown) => {
          logger.error('changes subscribe failed', { error: describeError(error) });
        });
      }
      return listeners.add(listener);
    },
    /** Resolves once the subscription is live, so a change published next is not missed. */
    ready: () => subscribed.then(() => undefined),
    async close() {
      listeners.clear();
      await Promise.allSettled([publisher.quit(), subscriber?.quit()]);
    },
  };
}

/** A change on its way to (or from) the relaying supervisor. */
export const IPC_STORE_CHANGE = 'paperlane:store-change';
export const ipcChangeMessageSchema = z.object({
  kind: z.literal(IPC_STORE_CHANGE),
  change: storeChangeSchema,
});

/**
 * Changes across the children of one supervisor (`npm start` without Redis): a
 * change reaches this process's listeners and goes to the parent, which relays it
 * to every other child. Validated on receipt; dropped while the parent is gone.
 *
 * @example
 * const changes = createIpcChangeFeed({ channel: process, logger });
 */
export function createIpcChangeFeed(options: { channel: IpcChannel; logger?: Logger }): ChangeFeed {
  const { channel } = options;
  const logger = options.logger ?? silentLogger;
  const listeners = changeListeners(logger);
  const onMessage = (raw: unknown) => {
    if (typeof raw !== 'object' || raw === null || (raw as { kind?: unknown }).kind !== IPC_STORE_CHANGE)
      return;
    const message = ipcChangeMessageSchema.safeParse(raw);
    if (!message.success) {
      logger.warn('ignored an invalid change from the supervisor');
      return;
    }
    listeners.deliver(message.data.change);
  };
  channel.on('message', onMessage);
  return {
    async publish(change) {
      listeners.deliver(change);
      if (channel.connected === false || !channel.send) return;
      try {
        channel.send({ kind: IPC_STORE_CHANGE, change });
      } catch (error) {
        logger.warn('change not sent to the supervisor', { error: describeError(error) });
      }
    },
    subscribe: listeners.add,
    async close() {
      listeners.clear();
      channel.off('message', onMessage);
    },
  };
}
