import type { QueueName } from '../queues';
import type { TraceContext } from '../trace-context';

/** How one attempt of a job ended, as the processor recorded it. */
export type JobAttemptOutcome = 'completed' | 'failed' | 'retried';

/** How one webhook delivery attempt ended. */
export type WebhookDeliveryOutcome = 'delivered' | 'failed';

/**
 * What Paperlane measures, independent of where the numbers go (Prometheus text in
 * Node processes, CloudWatch EMF lines on Lambda). Callers pass plain facts; label
 * names, units and buckets are the adapter's business. Every method must be cheap and
 * must never throw: a metric is never a reason for a job or a request to fail.
 *
 * @example
 * metrics.jobAttempt({ queue: 'thumbnail', outcome: 'completed', durationMs: 182, attempt: 1 });
 */
export interface Metrics {
  /** One attempt of a job ended (completed, failed for good, or scheduled for retry). */
  jobAttempt(fact: {
    queue: QueueName;
    outcome: JobAttemptOutcome;
    durationMs: number;
    attempt: number;
    jobId?: string;
    /** The attempt's span, when the caller knows it (what a trace exporter turns into a span). */
    span?: TraceContext;
  }): void;
  /** A queue's depth as last read from the transport (set on scrape, not per job). */
  queueDepth(fact: { queue: QueueName; waiting: number; inFlight: number; dlq: number }): void;
  /** One webhook POST ended (any status, or no answer at all). */
  webhookDelivery(fact: {
    outcome: WebhookDeliveryOutcome;
    durationMs: number;
    status?: number;
    /** The POST's span (its `traceparent` header), a child of the delivery job's attempt. */
    span?: TraceContext;
  }): void;
  /** One HTTP request answered; `route` is the route's pattern, never the raw path (bounded labels). */
  httpRequest(fact: {
    method: string;
    route: string;
    status: number;
    durationMs: number;
    /** The request's span (a child of the caller's `traceparent`, if it sent one). */
    span?: TraceContext;
  }): void;
}

/** Records nothing: the default where no adapter is wired (tests, tools). */
export const noMetrics: Metrics = {
  jobAttempt() {},
  queueDepth() {},
  webhookDelivery() {},
  httpRequest() {},
};
