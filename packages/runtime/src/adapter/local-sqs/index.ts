export { createSqsPoller, type SqsPoller, type SqsPollerOptions } from './poller';
export { toSqsRecord } from './sqs-event';
