import type { EventBus, JobEventListener, Logger, RealtimeEvent } from '@paperlane/core';
import { describeError, realtimeEventSchema, silentLogger } from '@paperlane/core';
import { z } from 'zod';

/** A process's IPC channel to its parent: `process` itself in a forked child. */
export interface IpcChannel {
  readonly connected?: boolean;
  send?(message: unknown): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** A job event on its way to (or from) the relaying parent. */
export const IPC_JOB_EVENT = 'paperlane:job-event';
/** Sent once a process has a listener: the parent relays events only to processes that asked. */
export const IPC_JOB_EVENTS_WANTED = 'paperlane:job-events-wanted';

/** The bus's messages, as the relay (and the receiving bus) validate them. */
export const ipcBusMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal(IPC_JOB_EVENT), event: realtimeEventSchema }),
  z.object({ kind: z.literal(IPC_JOB_EVENTS_WANTED) }),
]);
export type IpcBusMessage = z.infer<typeof ipcBusMessageSchema>;

/**
 * Job events across the processes of one supervisor, without Redis: `publish` hands
 * the event to this process's listeners and sends it to the parent, which relays it
 * to the other children that asked for events (`IPC_JOB_EVENTS_WANTED`). Messages from
 * the channel are validated before a listener sees them. At most once, like the Redis
 * bus: an event sent while the parent is gone is dropped.
 *
 * @example
 * const events = createIpcEventBus({ channel: process, logger });
 * events.subscribe((event) => hub.forward(event));
 */
export function createIpcEventBus(options: { channel: IpcChannel; logger?: Logger }): EventBus {
  const { channel } = options;
  const logger = options.logger ?? silentLogger;
  const listeners = new Set<JobEventListener>();
  let wanted = false;

  const send = (message: IpcBusMessage) => {
    if (channel.connected === false || !channel.send) return;
    try {
      channel.send(message);
    } catch (error) {
      // The channel closed between the check and the send: the process is exiting.
      logger.warn('event not sent to the supervisor', { error: describeError(error) });
    }
  };
  const deliver = (event: RealtimeEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        logger.warn('event listener threw', { type: event.type, error: describeError(error) });
      }
    }
  };
  const onMessage = (raw: unknown) => {
    if (typeof raw !== 'object' || raw === null || (raw as { kind?: unknown }).kind !== IPC_JOB_EVENT) return;
    const message = ipcBusMessageSchema.safeParse(raw);
    if (!message.success || message.data.kind !== IPC_JOB_EVENT) {
      logger.warn('ignored an invalid event from the supervisor');
      return;
    }
    deliver(message.data.event);
  };
  channel.on('message', onMessage);

  return {
    async publish(event: RealtimeEvent) {
      deliver(event);
      send({ kind: IPC_JOB_EVENT, event });
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!wanted) {
        wanted = true;
        send({ kind: IPC_JOB_EVENTS_WANTED });
      }
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      channel.off('message', onMessage);
    },
  };
}
