import type { Priority } from '../envelope';
import type { JobRecord } from '../job';
import type { PayloadOf, QueueName } from '../queues';
import type { TraceContext } from '../trace-context';

export interface EnqueueOptions {
  /** `high` for user-triggered work (default), `low` for batch work. */
  priority?: Priority;
  /** Earliest start, in ms from now. Any length: the record carries the schedule. */
  delayMs?: number;
  /**
   * Earliest start as an instant, for a caller that was given one (`run_at`): taken
   * as is rather than turned into a delay from a clock read earlier. Wins over
   * `delayMs`; an instant already past means now.
   */
  runAt?: Date;
  /** Same key, same tenant, same queue → the same job, created once. */
  dedupeKey?: string;
  sessionId?: string;
  documentId?: string;
  /**
   * The W3C `traceparent` the job continues. Defaults to a child of `parent`, else of the
   * current span (`withTrace`: the HTTP request), else a new trace.
   */
  traceId?: string;
  /** The span that enqueues (a job attempt's `ctx.span`): the job becomes its child. */
  parent?: TraceContext;
}

export interface EnqueueRequest<Q extends QueueName = QueueName> extends EnqueueOptions {
  queue: Q;
  payload: PayloadOf<Q>;
}

export interface EnqueueResult {
  job: JobRecord;
  /** False when a job with the same dedupe key already existed (nothing new was sent). */
  created: boolean;
  /** False when no transport took the message; the outbox sweeper will send it. */
  sent: boolean;
}

/** Where business logic puts follow-up work (the runtime's dispatcher implements it). */
export interface JobQueue {
  enqueue<Q extends QueueName>(
    queue: Q,
    payload: PayloadOf<Q>,
    options?: EnqueueOptions,
  ): Promise<EnqueueResult>;
  enqueueMany(requests: readonly EnqueueRequest[]): Promise<EnqueueResult[]>;
}
