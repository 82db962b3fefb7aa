import { type Clock, describeError, type JobQueue, type Logger } from '@paperlane/core';
import type { AutomationRecord, Store } from '@paperlane/store';
import { planNextRun } from './schedule-next';

/** Due automations one tick handles; the rest wait for the next tick (a minute later). */
export const DEFAULT_TICK_LIMIT = 200;

export interface AutomationTickDeps {
  store: Pick<Store, 'automations'>;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  limit?: number;
}

export interface AutomationTickResult {
  /** Read from the due index. */
  due: number;
  /** New `automation` jobs. */
  enqueued: number;
  /** Jobs that already existed for that run (an overlapping or repeated tick). */
  duplicates: number;
  /** `nextRunAt` moved on by this tick. */
  advanced: number;
  /** Another tick (or an edit) moved `nextRunAt` first. */
  conflicts: number;
  /** No longer due on a consistent read (disabled, deleted, already advanced). */
  skipped: number;
  failed: number;
}

/** The dedupe key of one scheduled run: a run is enqueued once however many ticks see it. */
export function automationRunKey(automationId: string, scheduledAt: string): string {
  return `automation:${automationId}:${scheduledAt}`;
}

/**
 * Enqueues one `automation` job per due automation and moves its `nextRunAt` on.
 * Called every minute (EventBridge → Lambda on AWS; a timer in the dev process).
 *
 * Idempotent: the job's dedupe key is `automation:<id>:<scheduledAt>` where
 * `scheduledAt` is the stored `nextRunAt`, so two ticks that see the same due run
 * create one job; the advance is conditional on `nextRunAt` being unchanged, so only
 * one of them moves it. The job is enqueued before the advance: a crash in between
 * re-enqueues the same (deduplicated) run on the next tick rather than losing it.
 *
 * Missed runs: the stored due run is run once, however late (the catch-up run);
 * `nextRunAt` then moves to the first run after *now*, so every other run missed
 * during an outage is skipped. An automation never runs more than once to catch up.
 *
 * @example
 * const counts = await runAutomationTick({ store, queue: dispatcher, clock: systemClock, logger });
 */
export async function runAutomationTick(deps: AutomationTickDeps): Promise<AutomationTickResult> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const result: AutomationTickResult = {
    due: 0,
    enqueued: 0,
    duplicates: 0,
    advanced: 0,
    conflicts: 0,
    skipped: 0,
    failed: 0,
  };
  const due = await deps.store.automations.listDue(now, deps.limit ?? DEFAULT_TICK_LIMIT);
  result.due = due.length;
  for (const indexed of due) {
    try {
      // The index is eventually consistent: act only on what a consistent read says.
      const automation = await deps.store.automations.get(indexed);
      if (!automation?.enabled || !automation.nextRunAt || automation.nextRunAt > nowIso) {
        result.skipped++;
        continue;
      }
      await runDue(deps, automation, automation.nextRunAt, now, result);
    } catch (error) {
      result.failed++;
      deps.logger.error('automation tick failed for one automation', {
        tenantId: indexed.tenantId,
        automationId: indexed.automationId,
        error: describeError(error),
      });
    }
  }
  if (result.due > 0) deps.logger.info('automation tick', { ...result });
  return result;
}

async function runDue(
  deps: AutomationTickDeps,
  automation: AutomationRecord,
  scheduledAt: string,
  now: Date,
  result: AutomationTickResult,
): Promise<void> {
  const { tenantId, tenantUserId, automationId } = automation;
  let next: Date | undefined;
  let planError: unknown;
  try {
    next = planNextRun(automation, now);
  } catch (error) {
    // A schedule that no longer parses (rules tightened since it was saved) stops, loudly.
    planError = error;
  }
  if (planError === undefined) {
    const { created } = await deps.queue.enqueue(
      'automation',
      { tenantId, tenantUserId, automationId, scheduledAt },
      { dedupeKey: automationRunKey(automationId, scheduledAt), priority: 'low' },
    );
    if (created) result.enqueued++;
    else result.duplicates++;
  } else {
    deps.logger.warn('automation schedule is invalid; it will not run again until edited', {
      tenantId,
      automationId,
      error: describeError(planError),
    });
  }
  const moved = await deps.store.automations.advance({
    tenantId,
    automationId,
    expectNextRunAt: scheduledAt,
    nextRunAt: next,
  });
  if (moved) result.advanced++;
  else result.conflicts++;
}
