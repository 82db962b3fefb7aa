import { parseTraceparent, startTrace } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from '../metrics/prometheus-metrics';
import type { WebhookHttpRequest, WebhookHttpResult, WebhookHttpSender } from './http-sender';
import { instrumentedWebhookSender } from './instrumented-sender';

function recordingSender(result: WebhookHttpResult) {
  const seen: WebhookHttpRequest[] = [];
  const sender: WebhookHttpSender = {
    async send(request) {
      seen.push(request);
      return result;
    },
  };
  return { sender, seen };
}

describe('instrumented webhook sender', () => {
  it("sends a traceparent under the delivery attempt's span and keeps the signed headers", async () => {
    const { sender, seen } = recordingSender({
      kind: 'response',
      statusCode: 204,
      bodyExcerpt: '',
      durationMs: 12,
    });
    const metrics = createPrometheusMetrics();
    const attempt = startTrace();
    await instrumentedWebhookSender(sender, metrics).send({
      url: 'https://x.test/',
      body: '{}',
      headers: { 'webhook-id': 'msg_1' },
      parent: attempt,
    });
    const header = parseTraceparent(seen[0]?.headers.traceparent);
    expect(header?.traceId).toBe(attempt.traceId);
    expect(header?.spanId).not.toBe(attempt.spanId);
    expect(seen[0]?.headers['webhook-id']).toBe('msg_1');
    // The span is the header's business, not the wrapped sender's.
    expect(seen[0]).not.toHaveProperty('parent');
    expect(await metrics.render()).toContain(
      'paperlane_webhook_delivery_duration_seconds_count{outcome="delivered"} 1',
    );
  });

  it('counts a non-2xx answer and no answer as failed', async () => {
    const metrics = createPrometheusMetrics();
    const refused = recordingSender({ kind: 'response', statusCode: 503, bodyExcerpt: '', durationMs: 5 });
    const unreachable = recordingSender({
      kind: 'failure',
      code: 'timeout',
      message: 'timed out',
      durationMs: 10_000,
    });
    await instrumentedWebhookSender(refused.sender, metrics).send({
      url: 'https://x.test/',
      body: '{}',
      headers: {},
    });
    await instrumentedWebhookSender(unreachable.sender, metrics).send({
      url: 'https://x.test/',
      body: '{}',
      headers: {},
    });
    const text = await metrics.render();
    expect(text).toContain('paperlane_webhook_delivery_duration_seconds_count{outcome="failed"} 2');
    expect(text).toContain('paperlane_webhook_deliveries_total{status_class="5xx"} 1');
    expect(text).toContain('paperlane_webhook_deliveries_total{status_class="none"} 1');
    // Outside any job a delivery still carries a (new) valid trace.
    expect(parseTraceparent(refused.seen[0]?.headers.traceparent)).toBeDefined();
  });
});
