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
  /**
   * Keep trying when the signal aborted only because the job's claim was lost (`claim_lost`).
   * For a write fenced on the state the attempt started from: once the effect has happened,
   * recording it can only stop a run that took the job over from repeating it, and the
   * fence refuses it if that run recorded first.
   */
  outlastsClaim?: boolean;
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
export function writeThroughOutage<T>(write: () => Promise<T>, options: OutageOptions): Promise<T> {
  const started = Date.now();
  // The first try is not inside an async function: nearly every write succeeds at once, and
  // every job outcome comes through here, so the common case costs one promise, not a frame.
  let first: Promise<T>;
  try {
    first = write();
  } catch (error) {
    first = Promise.reject(error);
  }
  return first.catch((error: unknown) => retryThroughOutage(write, options, started, error));
}

/** The tries after a failed first one, until one lands or it is time to give up. */
async function retryThroughOutage<T>(
  write: () => Promise<T>,
  options: OutageOptions,
  started: number,
  firstError: unknown,
): Promise<T> {
  let error = firstError;
  for (let tries = 1; ; tries++) {
    if (isPermanent(error) || isInjectedFault(error)) throw error;
    const delayMs = backoffDelayMs(tries, { baseMs: 250, maxMs: options.maxDelayMs ?? 5_000 });
    if (stopped(options) || Date.now() - started + delayMs > options.deadlineMs) throw error;
    if (tries === 1) {
      options.logger.warn(options.message ?? 'outcome not recorded; retrying', {
        error: describeError(error),
      });
    }
    // An already-aborted signal would end the pause at once: pause without it then.
    const signal = options.signal && !options.signal.aborted ? { signal: options.signal } : {};
    const pausedAt = Date.now();
    try {
      await sleep(delayMs, undefined, signal);
    } catch {
      if (stopped(options)) throw error;
      // The claim was lost during the pause (and the write outlasts it): pause the rest.
      await sleep(Math.max(0, delayMs - (Date.now() - pausedAt)));
    }
    try {
      return await write();
    } catch (next) {
      error = next;
    }
  }
}

/** Whether to give up: the signal aborted, for a reason this write does not outlast. No closure per write: every job outcome comes through here. */
function stopped(options: OutageOptions): boolean {
  return options.signal?.aborted === true && !(options.outlastsClaim && isClaimLost(options.signal.reason));
}

/** The abort reason the processor gives a job whose claim another consumer now holds (duck-typed, like `isPermanent`). */
function isClaimLost(reason: unknown): boolean {
  return (
    typeof reason === 'object' && reason !== null && (reason as { code?: unknown }).code === 'claim_lost'
  );
}
