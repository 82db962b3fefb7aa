export { BULLMQ_QUEUE_NAMES, type BullmqTransportOptions, createBullmqTransport } from './bullmq-transport';
export { type BullmqWorker, type BullmqWorkerOptions, createBullmqWorker } from './bullmq-worker';
export { BULLMQ_PRIORITY, bullmqJobId, PAPERLANE_BACKOFF, workerLockSettings } from './options';
