import type { DomainEventSink } from './ports/domain-events';
import type { JobQueue } from './ports/job-queue';
import type { TraceContext } from './trace-context';

/**
 * The queue as a job attempt hands it on: every job it enqueues is a child of `span`
 * (unless the request names its own `traceId` or `parent`). For job modules whose
 * helpers take a `queue` and know nothing of the attempt.
 *
 * @example const queue = queueUnderSpan(deps.queue, ctx.span);
 */
export function queueUnderSpan(queue: JobQueue, span: TraceContext): JobQueue {
  return {
    enqueue: (name, payload, options) => queue.enqueue(name, payload, { parent: span, ...options }),
    enqueueMany: (requests) => queue.enqueueMany(requests.map((r) => ({ parent: span, ...r }))),
  };
}

/**
 * The domain event sink as a job attempt hands it on: what it publishes fans out to
 * delivery jobs in `span`'s trace.
 *
 * @example const events = domainEventsUnderSpan(deps.events, ctx.span);
 */
export function domainEventsUnderSpan(sink: DomainEventSink, span: TraceContext): DomainEventSink {
  return { publish: (event, options) => sink.publish(event, { parent: span, ...options }) };
}
