import {
  AbortedError,
  type AnyEnvelope,
  type JobContext,
  type JobRecord,
  type Logger,
  type PayloadOf,
  type QueueName,
  type TraceContext,
} from '@paperlane/core';
import { jobEvent, publishSafely } from './job-events';
import type { HeldClaim } from './lease-keeper';
import type { Delivery, ProcessorDeps } from './process-delivery';

const PROGRESS_MIN_INTERVAL_MS = 250;

/**
 * One claimed attempt: the job's context (what the job module sees) and the claim
 * the lease keeper renews. A class, so the per-job cost is one allocation with
 * shared methods; the abort controller and its link to the delivery's signal are
 * made only if the job looks at its signal or the claim is lost.
 */
export class Attempt implements JobContext, HeldClaim {
  readonly tenantId: string;
  readonly jobId: string;
  readonly attempt: number;
  readonly payload: PayloadOf<QueueName>;
  readonly extend: ((ms: number) => Promise<void>) | undefined;
  readonly span: TraceContext;
  lostClaim = false;
  private controller: AbortController | undefined;
  private lastProgress: number;
  private lastProgressAt = 0;
  /** Made with the controller: most jobs never look at their signal. */
  private onOuterAbort: (() => void) | undefined;
  private boundProgress: ((percent: number) => Promise<boolean>) | undefined;

  constructor(
    readonly job: JobRecord,
    envelope: AnyEnvelope,
    private readonly delivery: Delivery,
    private readonly deps: ProcessorDeps,
    readonly logger: Logger & { readonly span: TraceContext },
  ) {
    this.tenantId = job.tenantId;
    this.jobId = job.jobId;
    this.attempt = job.attempts;
    this.payload = envelope.payload as PayloadOf<QueueName>;
    this.extend = delivery.extend;
    this.lastProgress = job.progress;
    this.span = logger.span;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      const outer = this.delivery.signal;
      const onOuterAbort = () =>
        this.abort(new AbortedError('time budget exhausted', { cause: this.delivery.signal?.reason }));
      this.onOuterAbort = onOuterAbort;
      if (outer?.aborted) onOuterAbort();
      else outer?.addEventListener('abort', onOuterAbort, { once: true });
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    const signal = this.signal;
    if (!signal.aborted) this.controller?.abort(reason);
  }

  /** The lease keeper (or a refused progress write) found the claim gone. A method: the keeper calls it on the claim. */
  onLost(reason: string): void {
    this.lostClaim = true;
    this.abort(new AbortedError(reason, { code: 'claim_lost' }));
  }

  /** Bound on first use, not per attempt: most jobs never report progress, some pass it on detached. */
  get progress(): (percent: number) => Promise<boolean> {
    this.boundProgress ??= (percent) => this.reportProgress(percent);
    return this.boundProgress;
  }

  private async reportProgress(percent: number): Promise<boolean> {
    const value = Math.max(0, Math.min(100, Math.round(percent)));
    if (this.lostClaim || this.controller?.signal.aborted) return false;
    if (value === this.lastProgress) return true;
    const now = this.deps.clock.now();
    const elapsed = now.getTime() - this.lastProgressAt;
    if (elapsed < PROGRESS_MIN_INTERVAL_MS && Math.abs(value - this.lastProgress) < 10) return true;
    this.lastProgress = value;
    this.lastProgressAt = now.getTime();
    const alive = await this.deps.store.setProgress({
      tenantId: this.tenantId,
      jobId: this.jobId,
      attempt: this.attempt,
      progress: value,
      now,
    });
    if (!alive) {
      this.onLost('job was cancelled or taken over');
      return false;
    }
    publishSafely(
      this.deps.events,
      jobEvent('job:progress', { ...this.job, progress: value }, now),
      this.logger,
    );
    return true;
  }

  /** Unlinks from the delivery's signal once the attempt is over. */
  dispose(): void {
    if (this.onOuterAbort) this.delivery.signal?.removeEventListener('abort', this.onOuterAbort);
  }
}
