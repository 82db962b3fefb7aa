import { parseAllowedHosts } from '@paperlane/adapters/net/host-allowlist';
import { createWebhookHttpSender } from '@paperlane/adapters/webhooks/http-sender';
import { instrumentedWebhookSender } from '@paperlane/adapters/webhooks/instrumented-sender';
import { cachingSecretOpener, type JobHandler, systemClock } from '@paperlane/core';
import { createWebhookDeliveryHandler } from '@paperlane/jobs/webhooks/delivery-handler';
import { createWebhookCache } from '@paperlane/store/webhook-cache';
import type { HandlerWiring } from '../container';

/**
 * Signed webhook delivery through the SSRF-guarded sender. Subscriptions come from a
 * per-process cache (at most 5 s stale, dropped at once when the change feed
 * announces a change) and each signing secret is opened once per process.
 */
export function webhookDeliveryModule(wiring: HandlerWiring): JobHandler<'webhook-delivery'> {
  const { env } = wiring.config;
  const subscriptions = createWebhookCache({
    webhooks: wiring.store.webhooks,
    ...(wiring.changes ? { changes: wiring.changes } : {}),
  });
  wiring.onClose(async () => subscriptions.close());
  return createWebhookDeliveryHandler({
    store: wiring.store,
    subscriptions,
    cipher: cachingSecretOpener(wiring.secrets),
    sender: instrumentedWebhookSender(
      createWebhookHttpSender({ allowedHosts: parseAllowedHosts(env.WEBHOOK_ALLOWED_HOSTS) }),
      wiring.metrics,
    ),
    events: wiring.domainEvents,
    clock: systemClock,
    ...(env.WEBHOOK_DISABLE_AFTER_MS ? { disableAfterMs: env.WEBHOOK_DISABLE_AFTER_MS } : {}),
  });
}
