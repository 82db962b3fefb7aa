import type { Metrics } from '@paperlane/core';
import type { WebhookHttpSender } from './http-sender';

/**
 * Records each webhook POST's latency (the sender's own measurement) and outcome:
 * `delivered` for a 2xx, `failed` for any other status or no answer.
 *
 * @example const sender = timedWebhookSender(createWebhookHttpSender(), metrics);
 */
export function timedWebhookSender(sender: WebhookHttpSender, metrics: Metrics): WebhookHttpSender {
  return {
    async send(request) {
      const result = await sender.send(request);
      if (result.kind === 'response') {
        const ok = result.statusCode >= 200 && result.statusCode < 300;
        metrics.webhookDelivery({
          outcome: ok ? 'delivered' : 'failed',
          durationMs: result.durationMs,
          status: result.statusCode,
        });
      } else {
        metrics.webhookDelivery({ outcome: 'failed', durationMs: result.durationMs });
      }
      return result;
    },
  };
}
