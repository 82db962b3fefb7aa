import type { QueueWindow } from '@paperlane/api';
import type { recordsQueueWindow } from '../queue-window/queue-window';

/**
 * `/admin/queues/stats` window numbers for the API Lambda, read from the job records
 * (the same code as `npm start`), loaded on the first call: an operator asks for
 * them now and then, so no user request's cold start parses the window reader.
 * A failed load is not kept, so the next call tries again.
 *
 * @example buildApiDeps(wiring, { queueWindow: lazyQueueWindow(wiring) })
 */
export function lazyQueueWindow(deps: Parameters<typeof recordsQueueWindow>[0]): QueueWindow {
  let loaded: Promise<QueueWindow> | undefined;
  const load = () =>
    (loaded ??= import('../queue-window/queue-window').then(
      ({ recordsQueueWindow }) => recordsQueueWindow(deps),
      (error: unknown) => {
        loaded = undefined;
        throw error;
      },
    ));
  return async (input) => (await load())(input);
}
