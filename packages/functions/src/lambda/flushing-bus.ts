import type { EventBus } from '@paperlane/core';

/** An event bus whose in-flight publishes can be awaited. */
export interface FlushingBus extends EventBus {
  /** Resolves once every publish started so far has settled. */
  flush(): Promise<void>;
}

/**
 * Lambda freezes an execution environment as soon as the handler returns, and the
 * processor does not await its publishes; a push still in flight would wait, frozen,
 * for the next invocation (or be lost). Handlers flush before they return.
 *
 * @example
 * const events = createFlushingBus(push);
 * try { return await handle(event); } finally { await events.flush(); }
 */
export function createFlushingBus(inner: EventBus): FlushingBus {
  const pending = new Set<Promise<void>>();
  return {
    publish(event) {
      const published = inner.publish(event);
      pending.add(published);
      void published.then(
        () => pending.delete(published),
        () => pending.delete(published),
      );
      return published;
    },
    subscribe: (listener) => inner.subscribe(listener),
    close: () => inner.close(),
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
