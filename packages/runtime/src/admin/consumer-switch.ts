import type { QueueName } from '@paperlane/core';

/**
 * Turns a queue's consumers on and off where they are not ours to stop (Lambda's
 * event source mappings on AWS). Optional: locally the consumers read the paused flag.
 */
export interface ConsumerSwitch {
  setEnabled(queue: QueueName, enabled: boolean): Promise<void>;
}
