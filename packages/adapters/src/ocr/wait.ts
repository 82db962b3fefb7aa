import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves after `ms`, or rejects with the signal's reason when it aborts first.
 * The default wait between polls of asynchronous OCR jobs.
 *
 * @example
 * await abortableWait(1000, signal);
 */
export function abortableWait(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, signal ? { signal } : {});
}
