export { type BullmqQueue, type BullmqQueueAdminOptions, createBullmqQueueAdmin } from './bullmq-queue-admin';
export { combineQueueAdmins } from './combined-queue-admin';
export type { ConsumerSwitch } from './consumer-switch';
export {
  type DeadLetterDeps,
  type DeadLetterEntry,
  type DeadLetterSource,
  identifyEntry,
  listDeadLetters,
  MAX_DEAD_LETTER_SCAN,
  redriveDeadLetters,
} from './dead-letters';
export { cachedPauseCheck } from './pause-check';
export type {
  FailedJob,
  FailedPage,
  ListFailedOptions,
  QueueAdmin,
  QueueStats,
  RedriveOptions,
  RedriveResult,
} from './queue-admin';
export { createSqsQueueAdmin, type PauseFlags, type SqsQueueAdminOptions } from './sqs-queue-admin';
