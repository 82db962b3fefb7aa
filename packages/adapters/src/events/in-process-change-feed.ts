import {
  type ChangeFeed,
  describeError,
  type Logger,
  type StoreChange,
  type StoreChangeListener,
  silentLogger,
} from '@paperlane/core';

/** This process's listeners; a throwing one never keeps the change from the others. */
export function changeListeners(logger: Logger) {
  const listeners = new Set<StoreChangeListener>();
  return {
    add(listener: StoreChangeListener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    deliver(change: StoreChange) {
      for (const listener of [...listeners]) {
        try {
          listener(change);
        } catch (error) {
          logger.warn('change listener threw', { kind: change.kind, error: describeError(error) });
        }
      }
    },
    clear: () => listeners.clear(),
  };
}

/**
 * Changes within one process (the embedded stack, Lambda, tests).
 *
 * @example
 * const changes = createInProcessChangeFeed();
 * changes.subscribe((change) => cache.forget(change));
 */
export function createInProcessChangeFeed(logger: Logger = silentLogger): ChangeFeed {
  const listeners = changeListeners(logger);
  return {
    async publish(change) {
      listeners.deliver(change);
    },
    subscribe: listeners.add,
    async close() {
      listeners.clear();
    },
  };
}
