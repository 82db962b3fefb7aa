import { childSpan, currentTrace, formatTraceparent, type Metrics } from '@paperlane/core';
import type { WebhookHttpSender } from './http-sender';

/**
 * Wraps the webhook sender with what an operator needs to follow a delivery: a W3C
 * `traceparent` header (a span of the delivery job's trace, so a receiver that traces
 * joins it) and the POST's latency and outcome in the metrics — `delivered` for a 2xx,
 * `failed` for any other status or no answer. The header is not part of what is signed.
 *
 * @example const sender = instrumentedWebhookSender(createWebhookHttpSender(), metrics);
 */
export function instrumentedWebhookSender(sender: WebhookHttpSender, metrics: Metrics): WebhookHttpSender {
  return {
    async send(request) {
      const span = childSpan(currentTrace());
      const traceparent = formatTraceparent(span);
      const result = await sender.send({ ...request, headers: { ...request.headers, traceparent } });
      if (result.kind === 'response') {
        const ok = result.statusCode >= 200 && result.statusCode < 300;
        metrics.webhookDelivery({
          outcome: ok ? 'delivered' : 'failed',
          durationMs: result.durationMs,
          status: result.statusCode,
          span,
        });
      } else {
        metrics.webhookDelivery({ outcome: 'failed', durationMs: result.durationMs, span });
      }
      return result;
    },
  };
}
