import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { WEBHOOK_EVENT_CATALOG, type WebhookEventType } from '@paperlane/core';

/**
 * The headers of every delivery. Described, not validated: the receiver checks them
 * (docs/webhooks.md has the steps and a secret rotation's two-secret window).
 */
const signatureHeaders = z.object({
  'webhook-id': z.string().openapi({
    description:
      "The event id (the body's `id`): the same on every attempt and redelivery, deduplicate on it",
  }),
  'webhook-timestamp': z.string().openapi({
    description: 'Unix seconds when this attempt was signed; reject ones far from your clock',
    example: '1893456000',
  }),
  'webhook-signature': z.string().openapi({
    description:
      'Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`, keyed with the base64 part of the `whsec_` secret; two entries during a secret rotation (new and previous secret), accept any match',
  }),
  'X-Signature-256': z.string().openapi({
    description:
      'GitHub style: `sha256=<hex HMAC-SHA256 of the body>`, keyed with the whole `whsec_…` string; signed with the current secret only',
  }),
});

/** One delivery's body: the envelope every event shares, with `data` of that event's schema. */
function envelope(type: WebhookEventType) {
  return z.object({
    id: z.string().openapi({ description: 'The event id, also sent as `webhook-id`' }),
    type: z.literal(type),
    timestamp: z.iso.datetime().openapi({ description: 'When the event happened' }),
    // Core's schema, already named (`.meta({ id })`): it becomes a component and a `$ref` here.
    data: WEBHOOK_EVENT_CATALOG[type].schema,
  });
}

/**
 * Registers every event Paperlane emits as an OpenAPI 3.1 `webhooks` entry (a POST to
 * the subscriber's URL), from the same schemas the producers build their payloads
 * with, so the document and the deliveries cannot drift apart.
 *
 * @example registerWebhookEvents(app.openAPIRegistry) // `/openapi.json` gains `webhooks['job.completed']`, …
 */
export function registerWebhookEvents(
  registry: Pick<OpenAPIHono['openAPIRegistry'], 'registerWebhook'>,
): void {
  for (const type of Object.keys(WEBHOOK_EVENT_CATALOG) as WebhookEventType[]) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      tags: ['webhooks'],
      summary: WEBHOOK_EVENT_CATALOG[type].summary,
      description:
        'Sent to every active subscription whose `events` match this type (exact, `family.*` or `*`).',
      request: {
        headers: signatureHeaders,
        body: { required: true, content: { 'application/json': { schema: envelope(type) } } },
      },
      responses: {
        200: { description: 'Any 2xx: delivered' },
        410: { description: 'Gone: the subscription is disabled and `webhook.disabled` is announced' },
        default: {
          description:
            'Anything else, 3xx included (redirects are not followed), is retried with backoff; 429 and 503 honour Retry-After',
        },
      },
    });
  }
}
