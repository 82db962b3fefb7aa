import type { Priority } from './envelope';
import type { QueueName } from './queues';
import { type QueueTopology, queueEnvSuffix } from './topology';

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

function pascal(queue: QueueName): string {
  return queue
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Names of the SST components (and so of `Resource.<name>` in functions). Infra
 * creates them; entry points read them; both call these functions.
 */
export const sstNames = {
  table: 'Jobs',
  bucket: 'Files',
  httpApi: 'Api',
  realtime: 'Realtime',
  secrets: { jwtSecret: 'JwtSecret', openAiApiKey: 'OpenAiApiKey', googleCredentials: 'GoogleCredentials' },
  queue: (queue: QueueName, lane: keyof SqsQueueNames): string =>
    `${pascal(queue)}${lane === 'high' ? 'Queue' : lane === 'low' ? 'LowQueue' : 'Dlq'}`,
  consumer: (queue: QueueName): string => `${pascal(queue)}Consumer`,
} as const;

/**
 * The environment variable infra sets, in the API function, to a queue's consumer
 * function name (for pausing it): `CONSUMER_FUNCTION_THUMBNAIL`.
 */
export function consumerFunctionVariable(queue: QueueName): string {
  return `CONSUMER_FUNCTION_${queueEnvSuffix(queue)}`;
}

/** Lambda entry points (relative to the repo root), one per concern; infra and bundling use these paths. */
export const lambdaEntryPoints = {
  api: 'packages/functions/src/lambda/api.ts',
  websocket: 'packages/functions/src/lambda/websocket.ts',
  sweeper: 'packages/functions/src/lambda/sweeper.ts',
  automationTick: 'packages/functions/src/lambda/automation-tick.ts',
  consumer: (queue: QueueName): string => `packages/functions/src/lambda/queues/${queue}.ts`,
} as const;
