import type { Priority } from './envelope';
import type { QueueName } from './queues';
import type { QueueTopology } from './topology';

/**
 * Extra receives SQS may count against a message beyond its attempts: early
 * deliveries deferred until their time, and duplicates deferred behind a live claim.
 * The consumer's own attempt count (on the job record) decides failure; SQS's
 * redrive is only the backstop for a consumer that crashes on every receive.
 */
export const RECEIVE_ALLOWANCE = 5;

export function maxReceiveCount(topology: QueueTopology): number {
  return topology.attempts + RECEIVE_ALLOWANCE;
}

export interface SqsQueueNames {
  /** Lane for user-triggered work. */
  high: string;
  /** Lane for batch work, polled only when the high lane is empty. */
  low: string;
  dlq: string;
}

/** SQS has no priorities, so each job queue is two queues (lanes) sharing one DLQ. */
export function sqsQueueNames(queue: QueueName, prefix = 'paperlane-'): SqsQueueNames {
  return { high: `${prefix}${queue}`, low: `${prefix}${queue}-low`, dlq: `${prefix}${queue}-dlq` };
}

export function laneFor(priority: Priority): keyof Omit<SqsQueueNames, 'dlq'> {
  return priority === 'low' ? 'low' : 'high';
}
