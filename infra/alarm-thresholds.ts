import { backoffDelayMs, type QueueTopology } from '@paperlane/core';

/** Slack on top of the computed worst case, for scheduling jitter and Lambda scaling up. */
const SLACK_SECONDS = 300;
/** The low lane is drained after the high one, so its messages may wait this many times longer. */
export const LOW_LANE_AGE_FACTOR = 4;

/**
 * The age of a lane's oldest message above which consumers are falling behind.
 *
 * SQS's ApproximateAgeOfOldestMessage ignores messages received more than three
 * times, so the longest a counted message waits legitimately is: the batch window,
 * one visibility timeout (its consumer crashed), and the first two retry delays at
 * their ceiling. A job deferred past SQS's 15-minute delay (a `notBefore` hours
 * ahead) also ages in the lane and can trip this; such jobs are rare and the
 * alarm says which lane to look at.
 *
 * @example oldestMessageAgeThresholdSeconds(DEFAULT_TOPOLOGY.thumbnail, 'high') // 666
 */
export function oldestMessageAgeThresholdSeconds(topology: QueueTopology, lane: 'high' | 'low'): number {
  const ceiling = () => 1;
  const retries =
    (backoffDelayMs(1, topology.backoff, ceiling) + backoffDelayMs(2, topology.backoff, ceiling)) / 1000;
  const base = Math.ceil(
    topology.batchWindowSeconds + topology.visibilityTimeoutSeconds + retries + SLACK_SECONDS,
  );
  return lane === 'low' ? base * LOW_LANE_AGE_FACTOR : base;
}
