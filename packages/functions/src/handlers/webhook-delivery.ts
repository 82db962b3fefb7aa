import { parseAllowedHosts } from '@paperlane/adapters/net/host-allowlist';
import { createWebhookHttpSender } from '@paperlane/adapters/webhooks/http-sender';
import { timedWebhookSender } from '@paperlane/adapters/webhooks/timed-sender';
import { type JobHandler, systemClock } from '@paperlane/core';
import { createWebhookDeliveryHandler } from '@paperlane/jobs/webhooks/delivery-handler';
import type { HandlerWiring } from '../container';

/** Signed webhook delivery through the SSRF-guarded sender. */
export function webhookDeliveryModule(wiring: HandlerWiring): JobHandler<'webhook-delivery'> {
  const { env } = wiring.config;
  return createWebhookDeliveryHandler({
    store: wiring.store,
    cipher: wiring.secrets,
    sender: timedWebhookSender(
      createWebhookHttpSender({ allowedHosts: parseAllowedHosts(env.WEBHOOK_ALLOWED_HOSTS) }),
      wiring.metrics,
    ),
    events: wiring.domainEvents,
    clock: systemClock,
    ...(env.WEBHOOK_DISABLE_AFTER_MS ? { disableAfterMs: env.WEBHOOK_DISABLE_AFTER_MS } : {}),
  });
}
