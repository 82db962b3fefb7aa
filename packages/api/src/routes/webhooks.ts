import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { type Clock, newId, type SecretCipher } from '@paperlane/core';
import { fanOutEvent, generateWebhookSecret, redeliverWebhook } from '@paperlane/jobs';
import {
  MAX_WEBHOOK_EVENTS,
  MAX_WEBHOOKS_PER_TENANT,
  type WebhookDeliveryRecord,
  type WebhookRecord,
  webhookEventPatternSchema,
  webhookEventTypeSchema,
  webhookSecretContext,
} from '@paperlane/store';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { idempotencyKeyParameter, idempotent } from '../middleware/idempotency';
import { limitPerTenant } from '../middleware/rate-limit';
import { authErrors, bearer, idParam, jsonError } from './common';

/** What the webhook routes need beyond the common deps. */
export interface WebhookApiDeps {
  /** Seals signing secrets under `tenant:<t>/webhook:<id>`. */
  cipher: SecretCipher;
  /**
   * The SSRF policy at registration (the sender checks again at connect time):
   * `{ ok: false }` answers 422 `unsafe_webhook_url`.
   */
  checkUrl(url: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** How long the previous secret still signs after a rotation (default 24 h). */
  rotationGraceMs?: number;
}

export const DEFAULT_ROTATION_GRACE_MS = 24 * 60 * 60_000;

const json = <S extends z.ZodType>(schema: S, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const tags = ['webhooks'];

// Built from zod-openapi's `z` (see common.ts); the store's schemas decide validity.
const eventPattern = z
  .string()
  .max(100)
  .refine((value) => webhookEventPatternSchema().safeParse(value).success, {
    message: 'must be a dotted lower-case event name, `name.*` or `*`',
  })
  .openapi({ example: 'invoice.processed' });
const urlField = z.string().min(1).max(2048).openapi({ example: 'https://hooks.example.com/paperlane' });
const descriptionField = z.string().max(500);

const webhookSchema = z
  .object({
    webhook_id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    description: z.string().optional(),
    disabled_reason: z.string().optional(),
    disabled_at: z.string().optional(),
    failing_since: z.string().optional(),
    last_delivery_at: z.string().optional(),
    last_status_code: z.number().int().optional(),
    previous_secret_expires_at: z.string().optional(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Webhook');

const withSecret = webhookSchema
  .extend({ secret: z.string().openapi({ description: 'Shown once; store it now.' }) })
  .openapi('WebhookWithSecret');

const deliverySchema = z
  .object({
    delivery_id: z.string(),
    webhook_id: z.string(),
    event: z.string(),
    event_id: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed', 'cancelled']),
    attempts: z.number().int(),
    payload: z.record(z.string(), z.unknown()),
    redelivery_of: z.string().optional(),
    last_status_code: z.number().int().optional(),
    duration_ms: z.number().int().optional(),
    error: z.string().optional(),
    response_excerpt: z.string().optional(),
    next_attempt_at: z.string().optional(),
    last_attempt_at: z.string().optional(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('WebhookDelivery');

/** Never the sealed secrets: they stay on the server. */
function present(w: WebhookRecord): z.infer<typeof webhookSchema> {
  return {
    webhook_id: w.webhookId,
    url: w.url,
    events: w.events,
    active: w.active,
    ...(w.description ? { description: w.description } : {}),
    ...(w.disabledReason ? { disabled_reason: w.disabledReason } : {}),
    ...(w.disabledAt ? { disabled_at: w.disabledAt } : {}),
    ...(w.consecutiveFailureSince ? { failing_since: w.consecutiveFailureSince } : {}),
    ...(w.lastDeliveryAt ? { last_delivery_at: w.lastDeliveryAt } : {}),
    ...(w.lastStatusCode !== undefined ? { last_status_code: w.lastStatusCode } : {}),
    ...(w.previousExpiresAt ? { previous_secret_expires_at: w.previousExpiresAt } : {}),
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  };
}

function presentDelivery(d: WebhookDeliveryRecord): z.infer<typeof deliverySchema> {
  return {
    delivery_id: d.deliveryId,
    webhook_id: d.webhookId,
    event: d.event,
    event_id: d.eventId,
    status: d.status,
    attempts: d.attempts,
    payload: d.payload,
    ...(d.redeliveryOf ? { redelivery_of: d.redeliveryOf } : {}),
    ...(d.lastStatusCode !== undefined ? { last_status_code: d.lastStatusCode } : {}),
    ...(d.durationMs !== undefined ? { duration_ms: d.durationMs } : {}),
    ...(d.error ? { error: d.error } : {}),
    ...(d.responseExcerpt ? { response_excerpt: d.responseExcerpt } : {}),
    ...(d.nextAttemptAt ? { next_attempt_at: d.nextAttemptAt } : {}),
    ...(d.lastAttemptAt ? { last_attempt_at: d.lastAttemptAt } : {}),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(2048).optional(),
});
const webhookParams = idParam('webhook_id');
const deliveryParams = webhookParams.extend(idParam('delivery_id').shape);
const notFound = jsonError('No such webhook for this tenant');

const listRoute = createRoute({
  method: 'get',
  path: '/api/webhooks',
  tags,
  summary: "The tenant's webhook subscriptions",
  security: bearer,
  request: { query: pageQuery },
  responses: {
    200: json(z.object({ webhooks: z.array(webhookSchema), cursor: z.string().optional() }), 'A page'),
    400: jsonError('Malformed query'),
    ...authErrors,
  },
});

const createWebhookRoute = createRoute({
  method: 'post',
  path: '/api/webhooks',
  tags,
  summary: 'Subscribe a URL to events; the signing secret is returned once',
  security: bearer,
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            url: urlField,
            events: z.array(eventPattern).min(1).max(MAX_WEBHOOK_EVENTS),
            description: descriptionField.optional(),
            active: z.boolean().optional(),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    201: json(withSecret, 'Created'),
    400: jsonError('Invalid subscription'),
    409: jsonError('Too many subscriptions'),
    422: jsonError('The URL is not allowed (unsafe_webhook_url)'),
    ...authErrors,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/webhooks/{webhook_id}',
  tags,
  summary: 'A webhook subscription',
  security: bearer,
  request: { params: webhookParams },
  responses: { 200: json(webhookSchema, 'The subscription'), 404: notFound, ...authErrors },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/api/webhooks/{webhook_id}',
  tags,
  summary: 'Change a subscription; `active: true` re-enables a disabled one',
  security: bearer,
  request: {
    params: webhookParams,
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            url: urlField.optional(),
            events: z.array(eventPattern).min(1).max(MAX_WEBHOOK_EVENTS).optional(),
            description: descriptionField.nullable().optional(),
            active: z.boolean().optional(),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(webhookSchema, 'Changed'),
    400: jsonError('Invalid change'),
    404: notFound,
    422: jsonError('The URL is not allowed (unsafe_webhook_url)'),
    ...authErrors,
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/webhooks/{webhook_id}',
  tags,
  summary: 'Delete a subscription and its delivery history',
  security: bearer,
  request: { params: webhookParams },
  responses: { 204: { description: 'Deleted' }, 404: notFound, ...authErrors },
});

const rotateRoute = createRoute({
  method: 'post',
  path: '/api/webhooks/{webhook_id}/rotate-secret',
  tags,
  summary: 'Issue a new signing secret; the old one keeps signing for a grace period',
  security: bearer,
  request: { params: webhookParams },
  responses: { 200: json(withSecret, 'The new secret, shown once'), 404: notFound, ...authErrors },
});

const deliveriesRoute = createRoute({
  method: 'get',
  path: '/api/webhooks/{webhook_id}/deliveries',
  tags,
  summary: "A subscription's deliveries, newest first",
  security: bearer,
  request: { params: webhookParams, query: pageQuery },
  responses: {
    200: json(z.object({ deliveries: z.array(deliverySchema), cursor: z.string().optional() }), 'A page'),
    400: jsonError('Malformed query'),
    404: notFound,
    ...authErrors,
  },
});

const redeliverRoute = createRoute({
  method: 'post',
  path: '/api/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver',
  tags,
  summary: 'Send a delivery again (as a new delivery of the same event)',
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: { params: deliveryParams },
  responses: {
    202: json(deliverySchema, 'Queued'),
    404: jsonError('No such webhook or delivery for this tenant'),
    409: jsonError('The subscription is disabled'),
    ...authErrors,
  },
});

const publishRoute = createRoute({
  method: 'post',
  path: '/api/events',
  tags,
  summary: "Publish an app event (e.g. `entry.approved`) to the tenant's subscriptions",
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            event: z
              .string()
              .max(100)
              .refine((value) => webhookEventTypeSchema().safeParse(value).success, {
                message: 'must be a dotted lower-case name such as entry.approved',
              })
              .openapi({ example: 'entry.approved' }),
            payload: z.record(z.string(), z.unknown()),
            /** Makes publishing idempotent: the same id never fans out twice. */
            event_id: z
              .string()
              .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/)
              .optional(),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    202: json(z.object({ event_id: z.string(), deliveries: z.number().int() }), 'Fanned out'),
    400: jsonError('Invalid event'),
    413: jsonError('Payload too large'),
    ...authErrors,
  },
});

/** Events Paperlane publishes itself; an app may not forge them. */
const RESERVED_EVENT_FAMILIES = new Set(['webhook', 'job', 'invoice', 'document']);

/**
 * Webhook subscriptions, their deliveries, and app events. Tenant from the principal
 * on every call; another tenant's webhook or delivery is a 404. Secrets are returned
 * only by create and rotate-secret. Answers 503 `webhooks_not_configured` when the
 * entry point wired no `webhooks` deps.
 */
export function webhookRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();
  const clock: Clock = deps.clock;
  const jobsDeps = { store: deps.store, queue: deps.dispatcher, clock };

  function configured(): WebhookApiDeps {
    if (!deps.webhooks)
      throw new HttpError(503, 'webhooks_not_configured', 'webhooks are not configured here');
    return deps.webhooks;
  }

  async function checkUrl(url: string) {
    const verdict = await configured().checkUrl(url);
    if (!verdict.ok)
      throw new HttpError(422, 'unsafe_webhook_url', `the URL is not allowed: ${verdict.reason}`);
  }

  async function load(tenantId: string, webhookId: string): Promise<WebhookRecord> {
    const webhook = await deps.store.webhooks.get({ tenantId, webhookId });
    if (!webhook) throw new HttpError(404, 'not_found', `webhook ${webhookId} not found`);
    return webhook;
  }

  app.use('/api/events', limitPerTenant(deps.rateLimiter), idempotent(deps));
  app.use(
    '/api/webhooks/:webhook_id/deliveries/:delivery_id/redeliver',
    limitPerTenant(deps.rateLimiter),
    idempotent(deps),
  );

  app.openapi(listRoute, async (c) => {
    const { limit: size, cursor } = c.req.valid('query');
    const page = await deps.store.webhooks.list(c.get('principal').tenantId, {
      ...(size ? { limit: size } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return c.json(
      { webhooks: page.items.map(present), ...(page.cursor ? { cursor: page.cursor } : {}) },
      200,
    );
  });

  app.openapi(createWebhookRoute, async (c) => {
    const { cipher } = configured();
    const tenantId = c.get('principal').tenantId;
    const body = c.req.valid('json');
    await checkUrl(body.url);
    const existing = await deps.store.webhooks.listAll(tenantId);
    if (existing.length >= MAX_WEBHOOKS_PER_TENANT) {
      throw new HttpError(
        409,
        'too_many_webhooks',
        `a tenant may have at most ${MAX_WEBHOOKS_PER_TENANT} webhooks`,
      );
    }
    const now = clock.now();
    const webhookId = newId('wh', now.getTime());
    const secret = generateWebhookSecret();
    const { webhook } = await deps.store.webhooks.create({
      tenantId,
      webhookId,
      url: body.url,
      events: [...new Set(body.events)],
      active: body.active ?? true,
      ...(body.description ? { description: body.description } : {}),
      secretCiphertext: await cipher.encrypt(secret, webhookSecretContext(tenantId, webhookId)),
      now,
    });
    return c.json({ ...present(webhook), secret }, 201);
  });

  app.openapi(getRoute, async (c) => {
    const webhook = await load(c.get('principal').tenantId, c.req.valid('param').webhook_id);
    return c.json(present(webhook), 200);
  });

  app.openapi(patchRoute, async (c) => {
    const tenantId = c.get('principal').tenantId;
    const { webhook_id } = c.req.valid('param');
    const patch = c.req.valid('json');
    await load(tenantId, webhook_id);
    if (patch.url !== undefined) await checkUrl(patch.url);
    const updated = await deps.store.webhooks.update({
      tenantId,
      webhookId: webhook_id,
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.events !== undefined ? { events: [...new Set(patch.events)] } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      now: clock.now(),
    });
    if (!updated) throw new HttpError(404, 'not_found', `webhook ${webhook_id} not found`);
    return c.json(present(updated), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const tenantId = c.get('principal').tenantId;
    const { webhook_id } = c.req.valid('param');
    if (!(await deps.store.webhooks.delete({ tenantId, webhookId: webhook_id }))) {
      throw new HttpError(404, 'not_found', `webhook ${webhook_id} not found`);
    }
    await deps.store.webhookDeliveries.deleteByWebhook({ tenantId, webhookId: webhook_id });
    return c.body(null, 204);
  });

  app.openapi(rotateRoute, async (c) => {
    const { cipher, rotationGraceMs = DEFAULT_ROTATION_GRACE_MS } = configured();
    const tenantId = c.get('principal').tenantId;
    const current = await load(tenantId, c.req.valid('param').webhook_id);
    const context = webhookSecretContext(tenantId, current.webhookId);
    const secret = generateWebhookSecret();
    const now = clock.now();
    const updated = await deps.store.webhooks.rotateSecret({
      tenantId,
      webhookId: current.webhookId,
      secretCiphertext: await cipher.encrypt(secret, context),
      // The sealed current secret becomes the previous one as it is: no need to open it.
      previousSecretCiphertext: current.secretCiphertext,
      previousExpiresAt: new Date(now.getTime() + rotationGraceMs),
      now,
    });
    if (!updated) throw new HttpError(404, 'not_found', `webhook ${current.webhookId} not found`);
    return c.json({ ...present(updated), secret }, 200);
  });

  app.openapi(deliveriesRoute, async (c) => {
    const tenantId = c.get('principal').tenantId;
    const { webhook_id } = c.req.valid('param');
    const { limit: size, cursor } = c.req.valid('query');
    await load(tenantId, webhook_id);
    const page = await deps.store.webhookDeliveries.listByWebhook(
      { tenantId, webhookId: webhook_id },
      { ...(size ? { limit: size } : {}), ...(cursor ? { cursor } : {}) },
    );
    return c.json(
      { deliveries: page.items.map(presentDelivery), ...(page.cursor ? { cursor: page.cursor } : {}) },
      200,
    );
  });

  app.openapi(redeliverRoute, async (c) => {
    const { webhook_id, delivery_id } = c.req.valid('param');
    const result = await redeliverWebhook(jobsDeps, {
      tenantId: c.get('principal').tenantId,
      webhookId: webhook_id,
      deliveryId: delivery_id,
    });
    if (result.outcome === 'not_found')
      throw new HttpError(404, 'not_found', `delivery ${delivery_id} not found`);
    if (result.outcome === 'inactive') {
      throw new HttpError(409, 'webhook_disabled', 'the webhook is disabled; re-enable it to redeliver');
    }
    return c.json(presentDelivery(result.delivery), 202);
  });

  return app.openapi(publishRoute, async (c) => {
    const body = c.req.valid('json');
    const family = body.event.split('.')[0] ?? '';
    if (RESERVED_EVENT_FAMILIES.has(family)) {
      throw new HttpError(400, 'reserved_event', `${family}.* events are published by Paperlane itself`);
    }
    const result = await fanOutEvent(jobsDeps, {
      tenantId: c.get('principal').tenantId,
      type: body.event,
      payload: body.payload,
      ...(body.event_id ? { id: body.event_id } : {}),
    });
    return c.json({ event_id: result.eventId, deliveries: result.deliveries.length }, 202);
  });
}
