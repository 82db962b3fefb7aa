import {
  type Clock,
  CONSUMER_LOST,
  consumerLostMessage,
  describeError,
  type EventBus,
  type JobRecord,
  type JobStore,
  type Logger,
} from '@paperlane/core';
import { jobEvent, publishSafely } from '../processor/job-events';
import type { Dispatcher } from './dispatcher';

export interface SweepDeps {
  store: JobStore;
  dispatcher: Pick<Dispatcher, 'resend'>;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** How long to wait before looking at a re-sent job again. */
  sweepGraceMs: number;
  /** Jobs looked at per sweep. */
  limit?: number;
  /** The processor's hook for a job finished for good; the sweeper calls it for the jobs it fails. */
  onSettled?: (job: JobRecord) => Promise<void>;
}

async function settledSafely(deps: SweepDeps, job: JobRecord): Promise<void> {
  try {
    await deps.onSettled?.(job);
  } catch (error) {
    deps.logger.error('settled hook failed', { jobId: job.jobId, error: describeError(error) });
  }
}

export interface SweepReport {
  resent: number;
  unsent: number;
  failed: number;
  /** Changed by someone else between listing and deferring; looked at next time. */
  raced: number;
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
  const report: SweepReport = { resent: 0, unsent: 0, failed: 0, raced: 0 };
  const toResend = [];
  for (const job of due) {
    if (job.status === 'processing' && job.attempts >= job.maxAttempts) {
      const failed = await deps.store.fail({
        tenantId: job.tenantId,
        jobId: job.jobId,
        attempt: job.attempts,
        error: consumerLostMessage(job.maxAttempts),
        errorCode: CONSUMER_LOST,
        now,
      });
      if (failed) {
        report.failed++;
        publishSafely(deps.events, jobEvent('job:failed', failed, now), deps.logger);
        await settledSafely(deps, failed);
      } else report.raced++;
      continue;
    }
    toResend.push(job);
  }
  if (toResend.length === 0) return report;
  const unsent = await deps.dispatcher.resend(toResend);
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
  if (report.resent + report.failed + report.unsent > 0) deps.logger.info('sweep', { ...report });
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
