import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors';
import { QUEUE_NAMES } from './queues';
import {
  DEFAULT_TOPOLOGY,
  queueEnvSuffix,
  resolveTopology,
  VISIBILITY_TO_TIMEOUT_RATIO,
  validateQueueTopology,
} from './topology';

describe('topology', () => {
  it('covers every queue with a visibility timeout of at least 6× the consumer timeout', () => {
    for (const queue of QUEUE_NAMES) {
      const t = DEFAULT_TOPOLOGY[queue];
      expect(t.queue).toBe(queue);
      expect(t.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
        VISIBILITY_TO_TIMEOUT_RATIO * t.timeoutSeconds + t.batchWindowSeconds,
      );
      expect(t.dlqRetentionDays).toBe(14);
    }
  });

  it('applies per-queue and global overrides from the environment', () => {
    const t = resolveTopology({
      JOB_CONCURRENCY_INVOICE_PROCESSING: '9',
      JOB_RETRY_ATTEMPTS: '7',
      JOB_RETRY_ATTEMPTS_THUMBNAIL: '2',
      JOB_RETRY_BACKOFF_MS: '25',
    });
    expect(t['invoice-processing'].concurrency).toBe(9);
    expect(t['invoice-processing'].attempts).toBe(7);
    expect(t.thumbnail.attempts).toBe(2);
    expect(t['llm-summary'].backoff.baseMs).toBe(25);
    expect(t['webhook-delivery'].concurrency).toBe(DEFAULT_TOPOLOGY['webhook-delivery'].concurrency);
  });

  it('rejects hostile values with one error naming every bad variable', () => {
    const attempt = () =>
      resolveTopology({
        JOB_CONCURRENCY_THUMBNAIL: '-3',
        JOB_RETRY_ATTEMPTS: '1e9',
        JOB_CONCURRENCY_EMAIL_SYNC: '0',
        JOB_RETRY_BACKOFF_MS: 'NaN',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('JOB_CONCURRENCY_THUMBNAIL="-3"');
      expect(message).toContain('JOB_RETRY_ATTEMPTS="1e9"');
      expect(message).toContain('JOB_RETRY_BACKOFF_MS="NaN"');
      expect(message).toContain('email-sync: concurrency');
    }
  });

  it('validateQueueTopology catches a visibility timeout below the rule', () => {
    const broken = {
      ...DEFAULT_TOPOLOGY.thumbnail,
      visibilityTimeoutSeconds: DEFAULT_TOPOLOGY.thumbnail.timeoutSeconds,
    };
    const result = validateQueueTopology(broken);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('at least 6×');
    expect(validateQueueTopology(DEFAULT_TOPOLOGY.thumbnail)).toEqual({ ok: true });
  });

  it('derives env suffixes from queue names', () => {
    expect(queueEnvSuffix('webhook-delivery')).toBe('WEBHOOK_DELIVERY');
  });
});
