import { systemClock } from '@paperlane/core';
import { runAutomationTick } from '@paperlane/jobs';
import type { Container, Stoppable } from '../container';
import { startBullmqTicker } from './bullmq-ticker';
import { startTicker } from './ticker';

/** The automation tick's name (its BullMQ job scheduler id on Redis). */
export const AUTOMATION_TICK = 'automation-tick';

/**
 * What EventBridge schedules on AWS: the outbox sweeper and the automation tick.
 * Exactly one local process runs them (`startLocal` by default; under `npm start`
 * the integrations child). `recoverNow` first re-sends every pending job, for
 * queues that start empty (fauxqs).
 */
export async function startSchedules(
  container: Container,
  options: { recoverNow: boolean; tickEveryMs?: number },
): Promise<Stoppable> {
  const { config, logger } = container;
  const sweeper = await container.startSweeper({ recoverNow: options.recoverNow });
  // On Redis a BullMQ job scheduler ticks once for all processes; otherwise a timer does.
  // Overlapping ticks would be harmless (runs are deduplicated by automation + scheduled
  // time), just wasted work.
  const tick = () =>
    runAutomationTick({ store: container.store, queue: container.dispatcher, clock: systemClock, logger });
  const everyMs = options.tickEveryMs ?? 60_000;
  let ticker: Stoppable;
  try {
    ticker = config.env.REDIS_URL
      ? await startBullmqTicker(AUTOMATION_TICK, tick, { url: config.env.REDIS_URL, everyMs, logger })
      : startTicker(AUTOMATION_TICK, tick, { periodMs: everyMs, logger });
  } catch (error) {
    await sweeper.stop();
    throw error;
  }
  return {
    async stop() {
      await ticker.stop();
      await sweeper.stop();
    },
  };
}
