import { createInProcessEventBus } from '@paperlane/adapters/events/in-process-bus';
import type { EventBus } from '@paperlane/core';
import type { createRealtimePush } from './realtime-push';

/**
 * The realtime push, loaded with its API Gateway client on the first event: a
 * function that emits none (the API, a tick) never pays for it at cold start.
 * In-process listeners are served here, as the push serves them.
 *
 * @example const events = lazyRealtimePush({ endpoint, region, store, logger });
 */
export function lazyRealtimePush(options: Parameters<typeof createRealtimePush>[0]): EventBus {
  const local = createInProcessEventBus(options.logger);
  let push: Promise<EventBus> | undefined;
  const load = () => (push ??= import('./realtime-push').then((m) => m.createRealtimePush(options)));
  return {
    async publish(event) {
      await local.publish(event);
      await (await load()).publish(event);
    },
    subscribe: (listener) => local.subscribe(listener),
    async close() {
      await local.close();
      if (push) await (await push).close();
    },
  };
}
