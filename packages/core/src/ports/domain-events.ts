import type { FaultHook } from '../faults';
import type { TraceContext } from '../trace-context';

/**
 * Business events that tenants subscribe to (webhooks): `job.completed`, `job.failed`,
 * `invoice.processed`, `document.processed`, `webhook.disabled`, app events such as
 * `entry.approved`. Unlike the job:* EventBus (live progress, at most once), these are
 * durable: an implementation records a delivery per matching subscription and enqueues it.
 */
export interface DomainEvent {
  tenantId: string;
  /** Dotted lower-case name, e.g. `invoice.processed`. */
  type: string;
  payload: Record<string, unknown>;
  /** Stable id for idempotency; the same id never fans out twice. Generated when absent. */
  id?: string;
}

/** How an event is published, besides the event itself. */
export interface DomainEventPublishOptions {
  /** Tests only: reaches the fan-out's own steps; see `FAULT_POINTS`. */
  faults?: FaultHook;
  /** The span that publishes (a job attempt's, or the settled job's): the delivery jobs continue its trace. */
  parent?: TraceContext;
}

export interface DomainEventSink {
  publish(event: DomainEvent, options?: DomainEventPublishOptions): Promise<void>;
}

/** A sink that drops everything: for tests and for entry points without webhooks. */
export const discardDomainEvents: DomainEventSink = { publish: async () => {} };
