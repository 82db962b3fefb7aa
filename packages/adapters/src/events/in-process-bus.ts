import type { EventBus, JobEventListener, Logger, RealtimeEvent } from '@paperlane/core';
import { describeError, silentLogger } from '@paperlane/core';

/** Events for one process (the embedded dev stack, tests). A throwing listener never affects the others. */
export function createInProcessEventBus(logger: Logger = silentLogger): EventBus {
  const listeners = new Set<JobEventListener>();
  return {
    async publish(event: RealtimeEvent) {
      if (listeners.size === 0) return;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          logger.warn('event listener threw', { type: event.type, error: describeError(error) });
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
