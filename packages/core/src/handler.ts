import type { JobRecord, JobResult } from './job';
import type { Logger } from './ports/logger';
import type { PayloadOf, QueueName } from './queues';
import type { TraceContext } from './trace-context';

/** What a job module gets for one attempt. Nothing in it says which runtime is running it. */
export interface JobContext<Q extends QueueName = QueueName> {
  job: JobRecord;
  payload: PayloadOf<Q>;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the time budget runs out, the job is cancelled or its claim is lost. */
  signal: AbortSignal;
  /** Records progress (0-100) and emits `job:progress`. Resolves false once the job was cancelled. */
  progress(percent: number): Promise<boolean>;
  logger: Logger;
  /**
   * This attempt's span of the job's trace. What the job enqueues, publishes or POSTs
   * continues the trace only if given it (`parent`; see `queueUnderSpan`): the worker
   * carries it explicitly, not in AsyncLocalStorage, whose promise hooks would tax every
   * await of the process.
   */
  span: TraceContext;
}

/**
 * One job type's business logic. Return a small JSON summary for the job record;
 * throw `PermanentError` when retrying cannot help, anything else to retry.
 */
export type JobHandler<Q extends QueueName = QueueName> = (
  ctx: JobContext<Q>,
) => Promise<JobResult | undefined>;

export type JobHandlers = { [Q in QueueName]?: JobHandler<Q> };
