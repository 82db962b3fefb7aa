import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs, describeError, isInjectedFault, isPermanent, type Logger } from '@paperlane/core';

export interface PersistOptions {
  /** Give up after this long (the lease: past it another consumer may take the job over). */
  deadlineMs: number;
  signal?: AbortSignal | undefined;
  logger: Logger;
}

/**
 * Writes an attempt's outcome through a short store outage. The work is done; if the
 * write is abandoned the next claim counts another attempt, and on the last one the
 * job would fail as `consumer_lost` because of the outage. The write is fenced by the
 * attempt number, not the lease's time, so a late success is still correct, and a
 * takeover in the meantime makes it a refused write (`undefined`), not an error.
 */
export async function persistOutcome<T>(write: () => Promise<T>, options: PersistOptions): Promise<T> {
  const started = Date.now();
  for (let tries = 1; ; tries++) {
    try {
      return await write();
    } catch (error) {
      if (isPermanent(error) || isInjectedFault(error)) throw error;
      const delayMs = backoffDelayMs(tries, { baseMs: 250, maxMs: 5_000 });
      if (options.signal?.aborted || Date.now() - started + delayMs > options.deadlineMs) throw error;
      if (tries === 1) options.logger.warn('outcome not recorded; retrying', { error: describeError(error) });
      try {
        await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        throw error;
      }
    }
  }
}
