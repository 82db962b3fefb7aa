import type { JobContext, Logger } from '@paperlane/core';

export interface JobProgress {
  /** Records `percent` (0-100) if it moved on by at least the step; never waits. */
  report(percent: number): void;
  /** Resolves once every write started has finished (call before returning). */
  flush(): Promise<void>;
}

/**
 * Turns frequent progress callbacks (OCR reports per page and per recognition phase)
 * into few, ordered progress writes: one at a time, only forward, at least `step`
 * points apart. A failed write is logged, never fatal: progress is informative, and a
 * cancelled job is stopped through its signal.
 */
export function jobProgress(progress: JobContext['progress'], logger: Logger, step = 5): JobProgress {
  let last = 0;
  let chain: Promise<void> = Promise.resolve();
  return {
    report(percent) {
      const value = Math.max(0, Math.min(100, Math.round(percent)));
      if (value < last + step && !(value === 100 && last < 100)) return;
      last = value;
      chain = chain
        .then(() => progress(value))
        .then(
          () => undefined,
          (error: unknown) => logger.warn('progress write failed', { error: String(error) }),
        );
    },
    flush: () => chain,
  };
}
