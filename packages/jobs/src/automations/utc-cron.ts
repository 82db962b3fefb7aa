import { Cron } from 'croner';

/**
 * A 5-field cron expression evaluated on a UTC wall clock. Time zones are not its
 * business: schedule-next maps wall clocks to instants in the automation's zone, DST
 * gaps and folds included. croner (no dependencies) instead of cron-parser, whose
 * luxon dependency put about 100 KB on every bundle that validates a schedule.
 */
export interface UtcCron {
  /** The first matching wall-clock minute strictly after `afterMs`, or undefined if none follows. */
  next(afterMs: number): number | undefined;
}

/** Throws (croner's TypeError) for a pattern it can't read. */
export function compileUtcCron(fields: string): UtcCron {
  // legacyMode: a restricted day-of-month and day-of-week match either, as in Vixie cron and EventBridge.
  const cron = new Cron(fields, { paused: true, utcOffset: 0, legacyMode: true });
  return {
    next(afterMs) {
      return cron.nextRun(new Date(afterMs))?.getTime();
    },
  };
}
