import type { Logger } from '@paperlane/core';
import type { Stoppable } from '../container';

/**
 * Runs `tick` at the start of every period (aligned to the wall clock, like an
 * EventBridge schedule), never overlapping itself. Errors are logged; the next
 * period tries again.
 */
export function startTicker(
  name: string,
  tick: () => Promise<unknown>,
  options: { periodMs: number; logger: Logger },
): Stoppable {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    const wait = options.periodMs - (Date.now() % options.periodMs);
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => options.logger.error(`${name} failed`, { error: String(error) }))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, wait);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
