import { parseAllowedHosts } from '@paperlane/adapters/net/index';
import { createWebhookHttpSender } from '@paperlane/adapters/webhooks/index';
import { startTestReceiver, type TestReceiver } from '@paperlane/adapters/webhooks/test-receiver';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSecret, webhookSignatureHeaders } from './signature';

/**
 * Interop with the real `standardwebhooks` package: what we sign and send over HTTP to a
 * loopback receiver is accepted by its `Webhook.verify`, with either secret during a
 * rotation, and a tampered body is refused.
 */
let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

describe('standardwebhooks interop', () => {
  it('verifies our deliveries with the current and, during a rotation, the previous secret', async () => {
    const secret = generateWebhookSecret();
    const previousSecret = generateWebhookSecret();
    const body = JSON.stringify({
      id: 'session.completed:ses_1',
      type: 'session.completed',
      timestamp: new Date().toISOString(),
      data: { session_id: 'ses_1', counts: { complete: 2, failed: 0, cancelled: 0 } },
    });
    const headers = webhookSignatureHeaders({
      id: 'session.completed:ses_1',
      at: new Date(),
      body,
      secret,
      previousSecret,
    });
    const sender = createWebhookHttpSender({
      allowedHosts: parseAllowedHosts('127.0.0.1'),
      timeoutMs: 5_000,
    });
    const result = await sender.send({ url: `${receiver.origin}/interop`, body, headers });
    expect(result.kind).not.toBe('failure');
    const got = receiver.received.find((r) => r.path === '/interop');
    if (!got) throw new Error('nothing received');
    const wire = {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    };
    expect(new Webhook(secret).verify(got.body, wire)).toMatchObject({ type: 'session.completed' });
    expect(new Webhook(previousSecret).verify(got.body, wire)).toMatchObject({ type: 'session.completed' });
    expect(() => new Webhook(generateWebhookSecret()).verify(got.body, wire)).toThrow();
    expect(() => new Webhook(secret).verify(got.body.replace('ses_1', 'ses_2'), wire)).toThrow();
  });
});
