import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from './backoff';
import { describeError, isPermanent } from './errors';
import { isInjectedFault } from './faults';
import type { Logger } from './ports/logger';

export interface OutageOptions {
  /** Give up after this long (for a job outcome, the lease: past it another consumer may take over). */
  deadlineMs: number;
  /** Longest pause between tries: shorter where a competing consumer may act once the store is back. */
  maxDelayMs?: number;
  signal?: AbortSignal | undefined;
  logger: Logger;
  /** The warning logged on the first failed try. */
  message?: string;
}

/**
 * Retries a store write that records work already done, through a short outage. Abandoning
 * it would make the work run again (a second OCR, a second webhook POST), so a transient
 * error waits and tries again until `deadlineMs`; permanent errors, injected faults and an
 * aborted signal end it at once with the original error.
 *
 * @example
 * await writeThroughOutage(() => store.complete(input), { deadlineMs: leaseMs, logger });
 */
export async function writeThroughOutage<T>(write: () => Promise<T>, options: OutageOptions): Promise<T> {
  const started = Date.now();
  for (let tries = 1; ; tries++) {
    try {
      return await write();
    } catch (error) {
      if (isPermanent(error) || isInjectedFault(error)) throw error;
      const delayMs = backoffDelayMs(tries, { baseMs: 250, maxMs: options.maxDelayMs ?? 5_000 });
      if (options.signal?.aborted || Date.now() - started + delayMs > options.deadlineMs) throw error;
      if (tries === 1) {
        options.logger.warn(options.message ?? 'outcome not recorded; retrying', {
          error: describeError(error),
        });
      }
      try {
        await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        throw error;
      }
    }
  }
}
