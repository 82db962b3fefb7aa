import type { QueueTopology } from '@paperlane/core';

/** What differs between production and every other (dev, preview, personal) stage. */
export interface StageProfile {
  production: boolean;
  /** Event-source concurrency of a queue's high lane (the low lane gets half). */
  concurrency(queue: QueueTopology): number;
  messageRetentionDays(queue: QueueTopology): number;
  logRetention: Sst.LogRetention;
  /** Multiplies the queue-age alarm thresholds. */
  alarmAgeFactor: number;
  apiMemoryMb: number;
  /** The WebSocket handler and the scheduled ticks. */
  smallMemoryMb: number;
}

export const PRODUCTION_STAGES: readonly string[] = ['production'];

const DEV_MAX_CONCURRENCY = 2;

/**
 * Production runs the topology as written. Other stages keep function sizes
 * (OCR needs its memory anywhere) but cap concurrency, keep messages a day and
 * logs a week, and alarm only on much slower consumers.
 */
export function stageProfile(stage: string): StageProfile {
  if (PRODUCTION_STAGES.includes(stage)) {
    return {
      production: true,
      concurrency: (queue) => queue.concurrency,
      messageRetentionDays: (queue) => queue.messageRetentionDays,
      logRetention: '1 month',
      alarmAgeFactor: 1,
      apiMemoryMb: 1024,
      smallMemoryMb: 512,
    };
  }
  return {
    production: false,
    concurrency: (queue) => Math.min(queue.concurrency, DEV_MAX_CONCURRENCY),
    messageRetentionDays: (queue) => Math.min(queue.messageRetentionDays, 1),
    logRetention: '1 week',
    alarmAgeFactor: 3,
    apiMemoryMb: 512,
    smallMemoryMb: 256,
  };
}
