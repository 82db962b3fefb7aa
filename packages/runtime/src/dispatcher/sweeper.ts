import {
  backoffDelayMs,
  type Clock,
  CONSUMER_LOST,
  consumerLostMessage,
  describeError,
  type EventBus,
  type FaultHook,
  isTerminal,
  type JobRecord,
  type JobStore,
  type Logger,
  type Metrics,
  reachFault,
} from '@paperlane/core';
import { jobEvent, publishSafely } from '../processor/job-events';
import { runSettledHook, type SettledHook } from '../processor/settle';
import type { Dispatcher } from './dispatcher';

export interface SweepDeps {
  /** A job the sweeper fails (its consumer died) counts as a failed attempt, so metrics match the records. */
  metrics?: Metrics;
  store: JobStore;
  dispatcher: Pick<Dispatcher, 'resend'>;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** How long to wait before looking at a re-sent job again. */
  sweepGraceMs: number;
  /** Jobs looked at per sweep. */
  limit?: number;
  /**
   * The processor's hook for a job finished for good: the sweeper calls it for the jobs
   * it fails, and again for finished jobs whose outbox marker is due (their effects
   * never ran, or failed).
   */
  onSettled?: SettledHook;
  /** Test-only: see `FAULT_POINTS`. */
  faults?: FaultHook;
}

export interface SweepReport {
  resent: number;
  unsent: number;
  failed: number;
  /** Finished jobs whose effects were run again from their outbox marker. */
  settled: number;
  /** Of those, the ones whose hook failed again (retried after a longer backoff). */
  settleFailed: number;
  /** Changed by someone else between listing and deferring; looked at next time. */
  raced: number;
}

/** Longest wait between two runs of a failing settled hook. */
const MAX_SETTLE_BACKOFF_MS = 30 * 60_000;

/** Runs a due outbox marker's effects again; the marker moves on first, so a failing hook backs off. */
async function settleDue(deps: SweepDeps, job: JobRecord, now: Date, report: SweepReport): Promise<void> {
  if (job.settleAt === undefined) return;
  const delayMs = backoffDelayMs((job.settleTries ?? 0) + 1, {
    baseMs: Math.max(1_000, deps.sweepGraceMs),
    maxMs: MAX_SETTLE_BACKOFF_MS,
  });
  const taken = await deps.store.takeSettle({
    tenantId: job.tenantId,
    jobId: job.jobId,
    expectSettleAt: job.settleAt,
    next: new Date(now.getTime() + delayMs),
  });
  if (!taken) {
    report.raced++;
    return;
  }
  if (!deps.onSettled) {
    deps.logger.warn('outbox marker due but this sweeper has no settled hook', { jobId: job.jobId });
    return;
  }
  if (deps.faults) await reachFault(deps.faults, 'after-settle-take');
  report.settled++;
  const ran = await runSettledHook(taken, { ...deps, onSettled: deps.onSettled });
  if (!ran) report.settleFailed++;
}

/**
 * The outbox sweeper. Finds live jobs past their sweep time — `pending` ones whose
 * message was never sent or was lost, `processing` ones whose holder stopped
 * renewing its claim — and sends their messages again; a lapsed job with no
 * attempts left is failed instead. Duplicate messages are harmless: claims are
 * conditional, so a job still runs once.
 */
export async function sweepOnce(deps: SweepDeps): Promise<SweepReport> {
  const now = deps.clock.now();
  const due = await deps.store.listDue(now, deps.limit ?? 100);
  const report: SweepReport = { resent: 0, unsent: 0, failed: 0, settled: 0, settleFailed: 0, raced: 0 };
  const toResend = [];
  for (const job of due) {
    if (isTerminal(job.status)) {
      await settleDue(deps, job, now, report);
      continue;
    }
    if (job.status === 'processing' && job.attempts >= job.maxAttempts) {
      const failed = await deps.store.fail({
        tenantId: job.tenantId,
        jobId: job.jobId,
        attempt: job.attempts,
        error: consumerLostMessage(job.maxAttempts),
        errorCode: CONSUMER_LOST,
        now,
        // A holder that outlived a store outage and renewed its lease keeps its job.
        lapsedBefore: now,
        ...(deps.onSettled ? { settleDueAt: new Date(now.getTime() + deps.sweepGraceMs) } : {}),
      });
      if (failed) {
        report.failed++;
        deps.metrics?.jobAttempt({
          queue: failed.queue,
          outcome: 'failed',
          durationMs: 0,
          attempt: failed.attempts,
        });
        if (deps.faults) await reachFault(deps.faults, 'after-fail');
        publishSafely(deps.events, jobEvent('job:failed', failed, now), deps.logger);
        await runSettledHook(failed, deps);
      } else report.raced++;
      continue;
    }
    toResend.push(job);
  }
  const unsent = toResend.length > 0 ? await deps.dispatcher.resend(toResend) : new Set<string>();
  const sweepAt = new Date(now.getTime() + deps.sweepGraceMs);
  for (const job of toResend) {
    if (unsent.has(job.jobId)) {
      report.unsent++;
      continue;
    }
    report.resent++;
    const deferred = await deps.store.deferSweep({
      tenantId: job.tenantId,
      jobId: job.jobId,
      expectUpdatedAt: job.updatedAt,
      sweepAt,
    });
    if (!deferred) report.raced++;
  }
  if (report.resent + report.failed + report.unsent + report.settled > 0)
    deps.logger.info('sweep', { ...report });
  return report;
}

/** Runs {@link sweepOnce} every `intervalMs` until stopped; a failing sweep is logged and tried next time. */
export function startSweeper(deps: SweepDeps & { intervalMs: number }): { stop(): Promise<void> } {
  let current: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (current) return; // a slow sweep is never overlapped by the next
    current = sweepOnce(deps)
      .catch((error) => deps.logger.error('sweep failed', { error: describeError(error) }))
      .finally(() => {
        current = undefined;
      });
  }, deps.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
