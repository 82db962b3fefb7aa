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
import type { Admission } from '../fair-share/admission';
import { jobEvent, publishSafely } from '../processor/job-events';
import { runSettledHook, type SettledHook } from '../processor/settle';
import type { Dispatcher } from './dispatcher';

export interface SweepDeps {
  /** A job the sweeper fails (its consumer died) counts as a failed attempt, so metrics match the records. */
  metrics?: Metrics;
  store: JobStore;
  dispatcher: Pick<Dispatcher, 'resend'> & Partial<Pick<Dispatcher, 'admitHeld'>>;
  /**
   * Fair share: a due pending job that waits in its tenant's backlog is not re-sent (that
   * would jump the queue); its backlog is offered the tenant's free slots instead, which
   * also frees slots leaked by consumers that died between finishing a job and releasing it.
   */
  admission?: Pick<Admission, 'isHeld'>;
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
  /** Due jobs left in their tenant's backlog (fair share), and jobs let in from backlogs. */
  held?: number;
  admitted?: number;
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
  const held: JobRecord[] = [];
  const backlogs = new Map<string, { tenantId: string; queue: JobRecord['queue'] }>();
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
    if (job.status === 'pending' && deps.admission && (await deps.admission.isHeld(job))) {
      backlogs.set(`${job.tenantId}#${job.queue}`, { tenantId: job.tenantId, queue: job.queue });
      held.push(job);
      continue;
    }
    toResend.push(job);
  }
  for (const scope of backlogs.values()) {
    report.admitted = (report.admitted ?? 0) + ((await deps.dispatcher.admitHeld?.(scope)) ?? 0);
  }
  if (held.length > 0) report.held = held.length;
  const unsent = toResend.length > 0 ? await deps.dispatcher.resend(toResend) : new Set<string>();
  const sweepAt = new Date(now.getTime() + deps.sweepGraceMs);
  const resending = new Set(toResend);
  for (const job of [...toResend, ...held]) {
    if (unsent.has(job.jobId)) {
      report.unsent++;
      continue;
    }
    if (resending.has(job)) report.resent++;
    const deferred = await deps.store.deferSweep({
      tenantId: job.tenantId,
      jobId: job.jobId,
      expectUpdatedAt: job.updatedAt,
      sweepAt,
    });
    if (!deferred) report.raced++;
  }
  if (report.resent + report.failed + report.unsent + report.settled + (report.admitted ?? 0) > 0)
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
