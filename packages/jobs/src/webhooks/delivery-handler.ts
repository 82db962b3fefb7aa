import {
  type Clock,
  type DomainEventSink,
  describeError,
  type JobHandler,
  type PayloadOf,
  PermanentError,
  RetryableError,
  type SecretCipher,
  stableId,
  type TraceContext,
  webhookDisabledPayload,
  writeThroughOutage,
} from '@paperlane/core';
import type { Store, WebhookCache, WebhookDeliveryRecord, WebhookRecord } from '@paperlane/store';
import { classifyAttempt } from './attempt-outcome';
import type { WebhookSender } from './ports';
import { webhookSignatureHeaders } from './signature';
import { createSigningKeyCache } from './signing-key-cache';

/** A subscription that has failed without one success for this long is disabled. */
export const DEFAULT_WEBHOOK_DISABLE_AFTER_MS = 3 * 24 * 60 * 60_000;

export interface WebhookDeliveryDeps {
  store: Pick<Store, 'webhooks' | 'webhookDeliveries'>;
  /**
   * Where subscriptions are read: a per-process cache (`createWebhookCache`, at most
   * 5 s stale) in the wired module; the store itself when absent.
   */
  subscriptions?: Pick<WebhookCache, 'get' | 'remember' | 'forget'>;
  /**
   * Opens signing secrets. The handler keeps each subscription's opened and imported keys
   * until its sealed secret changes (`createSigningKeyCache`); wrap the cipher in
   * `cachingSecretOpener` to share opened secrets with the rest of the process.
   */
  cipher: SecretCipher;
  sender: WebhookSender;
  /** Where `webhook.disabled` goes: the app-wide sink (the fan-out). */
  events: DomainEventSink;
  clock: Clock;
  /** `WEBHOOK_DISABLE_AFTER_MS`; default {@link DEFAULT_WEBHOOK_DISABLE_AFTER_MS}. */
  disableAfterMs?: number;
  /** Cap on a receiver's `Retry-After`. */
  maxRetryAfterMs?: number;
}

/**
 * How long the record of a POST the receiver already answered may wait for the store. Given
 * up sooner, the job's retry would POST the same event again; pauses stay short because a
 * consumer that takes the job over once the store is back would read the delivery as pending.
 */
export const WEBHOOK_RECORD_DEADLINE_MS = 120_000;

/** How stale a healthy subscription's `lastDeliveryAt` may get before a success writes it again. */
export const WEBHOOK_HEALTH_REFRESH_MS = 60_000;

/**
 * A success changes nothing worth a write when the subscription is not failing, its
 * last status is the same and its last delivery is recent: a steady stream of
 * successes then costs one store write per delivery, not two.
 */
function healthUnchanged(webhook: WebhookRecord, statusCode: number | undefined, at: Date): boolean {
  return (
    webhook.consecutiveFailureSince === undefined &&
    webhook.lastStatusCode === statusCode &&
    webhook.lastDeliveryAt !== undefined &&
    at.getTime() - Date.parse(webhook.lastDeliveryAt) < WEBHOOK_HEALTH_REFRESH_MS
  );
}

/** What a subscriber's body is made of: the event, and when it happened. */
export interface WebhookEventContent {
  eventId: string;
  event: string;
  /** When the event happened (a redelivery keeps the original's time). */
  timestamp: string;
  payload: Record<string, unknown>;
}

/** The body's content as a stored delivery holds it. */
export function deliveryContent(delivery: WebhookDeliveryRecord): WebhookEventContent {
  return {
    eventId: delivery.eventId,
    event: delivery.event,
    timestamp: delivery.eventAt ?? delivery.createdAt,
    payload: delivery.payload,
  };
}

/**
 * The body's content as the job message carries it (fan-out and redelivery put it there);
 * `undefined` for a message enqueued before messages carried it.
 */
export function carriedContent(message: PayloadOf<'webhook-delivery'>): WebhookEventContent | undefined {
  if (message.eventId === undefined || message.eventAt === undefined) return undefined;
  return {
    eventId: message.eventId,
    event: message.event,
    timestamp: message.eventAt,
    payload: message.payload,
  };
}

/**
 * The JSON body a subscriber receives; the same bytes on every attempt of a delivery.
 *
 * @example webhookBody({ eventId: 'evt_1', event: 'entry.approved', timestamp: '2030-01-01T00:00:00.000Z', payload: {} })
 */
export function webhookBody(content: WebhookEventContent): string {
  return JSON.stringify({
    id: content.eventId,
    type: content.event,
    timestamp: content.timestamp,
    data: content.payload,
  });
}

/** A delivery as fan-out creates it: pending, nothing attempted. */
const UNTRIED: Pick<WebhookDeliveryRecord, 'status' | 'attempts'> = { status: 'pending', attempts: 0 };

/**
 * Whether this run is the first the delivery can have: the job's id derives from the
 * delivery (one job per delivery), its first claim is attempt 1 of generation 0, and a
 * claim is a conditional write, so no other run sent or recorded anything before it.
 * Every later run (a retry, a crashed consumer's job taken over, a manual requeue) reads
 * the delivery first, to skip one already finished.
 */
function isFirstRun(ctx: { attempt: number; job: { generation: number } }): boolean {
  return ctx.attempt === 1 && ctx.job.generation === 0;
}

/**
 * The `webhook-delivery` job: takes the event from the message (on a first run) or
 * the stored delivery, and the subscription from the cache or the store (the secret
 * never travels in the message), skips finished deliveries and inactive
 * subscriptions (cancelled), signs and sends through the SSRF-guarded sender, and
 * records status code, duration, attempt and error. Failures are retried by the
 * runtime (`RetryableError`, with the receiver's `Retry-After` when it gave one);
 * 410 Gone, or failing for `disableAfterMs` without a success, disables the
 * subscription and publishes `webhook.disabled`. See `classifyAttempt` for the policy.
 *
 * @example handlers['webhook-delivery'] = createWebhookDeliveryHandler({ store, cipher, sender, events, clock });
 */
export function createWebhookDeliveryHandler(deps: WebhookDeliveryDeps): JobHandler<'webhook-delivery'> {
  const disableAfterMs = deps.disableAfterMs ?? DEFAULT_WEBHOOK_DISABLE_AFTER_MS;
  const signingKeys = createSigningKeyCache({ cipher: deps.cipher });

  async function disable(
    webhook: WebhookRecord,
    reason: string,
    at: Date,
    log: (m: string) => void,
    span: TraceContext,
  ) {
    const switched = await deps.store.webhooks.disable({
      tenantId: webhook.tenantId,
      webhookId: webhook.webhookId,
      reason,
      at,
    });
    // This process stops using it at once, whether or not a change feed tells it.
    deps.subscriptions?.forget(webhook);
    if (!switched) return false;
    try {
      await deps.events.publish(
        {
          tenantId: webhook.tenantId,
          type: 'webhook.disabled',
          id: stableId('evt', 'webhook.disabled', webhook.webhookId, at.toISOString()),
          payload: webhookDisabledPayload({
            webhookId: webhook.webhookId,
            url: webhook.url,
            reason,
            disabledAt: at.toISOString(),
          }),
        },
        { parent: span },
      );
    } catch (error) {
      // The subscription is disabled either way; the event is informational.
      log(`webhook.disabled event not published: ${describeError(error)}`);
    }
    return true;
  }

  return async (ctx) => {
    const { tenantId, webhookId, webhookDeliveryId: deliveryId } = ctx.payload;
    const deliveryRef = { tenantId, deliveryId };
    const webhookRef = { tenantId, webhookId };
    const subscription = () =>
      deps.subscriptions ? deps.subscriptions.get(webhookRef) : deps.store.webhooks.get(webhookRef);
    // A first run whose message carries the event knows the delivery without reading it;
    // any other run reads it. With the subscription cached, the common delivery then costs
    // one store round trip: the record of its attempt.
    const carried = carriedContent(ctx.payload);
    let webhook: WebhookRecord | undefined;
    let before: Pick<WebhookDeliveryRecord, 'status' | 'attempts'>;
    let content: WebhookEventContent;
    if (carried && isFirstRun(ctx)) {
      webhook = await subscription();
      before = UNTRIED;
      content = carried;
    } else {
      const [stored, found] = await Promise.all([
        deps.store.webhookDeliveries.get(deliveryRef),
        subscription(),
      ]);
      if (stored?.webhookId !== webhookId) return { delivery_id: deliveryId, skipped: 'delivery_missing' };
      webhook = found;
      before = stored;
      // The message's copy of the event when it has one, so every attempt sends the same bytes.
      content = carried ?? deliveryContent(stored);
    }
    if (before.status !== 'pending') return { delivery_id: deliveryId, skipped: before.status };
    // Every write of this attempt is fenced on the state it started from: a run that finds
    // the delivery finished or advanced by another changes nothing.
    const fence = { webhookId, attempts: before.attempts };

    if (!webhook?.active) {
      await deps.store.webhookDeliveries.recordAttempt({
        ...deliveryRef,
        status: 'cancelled',
        attempts: before.attempts,
        error: webhook ? 'the subscription is disabled' : 'the subscription was deleted',
        nextAttemptAt: null,
        at: deps.clock.now(),
        expect: fence,
      });
      return { delivery_id: deliveryId, skipped: 'inactive' };
    }

    const startedAt = deps.clock.now();
    const inGrace =
      webhook.previousSecretCiphertext !== undefined &&
      webhook.previousExpiresAt !== undefined &&
      webhook.previousExpiresAt > startedAt.toISOString();
    // Opened and imported once per subscription and secret, not per delivery.
    const keys = signingKeys.peek(webhook, inGrace) ?? (await signingKeys.open(webhook, inGrace));
    const body = webhookBody(content);
    const headers = webhookSignatureHeaders({
      id: content.eventId,
      at: startedAt,
      body,
      secret: keys.current,
      previousSecret: inGrace ? keys.previous : undefined,
    });

    // `parent`: the POST's `traceparent` is a span of this attempt (the instrumented sender).
    const result = await deps.sender.send({
      url: webhook.url,
      body,
      headers,
      signal: ctx.signal,
      parent: ctx.span,
    });
    const at = deps.clock.now();
    const outcome = classifyAttempt(result, {
      now: at,
      ...(deps.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: deps.maxRetryAfterMs } : {}),
    });
    const attempts = before.attempts + 1;
    const observed = {
      ...deliveryRef,
      expect: fence,
      attempts,
      lastStatusCode: result.kind === 'response' ? result.statusCode : null,
      durationMs: result.durationMs,
      responseExcerpt: result.kind === 'response' && result.bodyExcerpt ? result.bodyExcerpt : null,
      at,
    };
    const summary = {
      delivery_id: deliveryId,
      webhook_id: webhookId,
      attempts,
      ...(result.kind === 'response' ? { status_code: result.statusCode } : { failure: result.code }),
      duration_ms: result.durationMs,
    };
    const log = (message: string) => ctx.logger.warn(message, { tenantId, webhookId, deliveryId });
    const statusCode = result.kind === 'response' ? { statusCode: result.statusCode } : {};

    if (outcome.kind === 'delivered') {
      const recorded = writeThroughOutage(
        () =>
          deps.store.webhookDeliveries.recordAttempt({
            ...observed,
            status: 'succeeded',
            error: null,
            nextAttemptAt: null,
          }),
        {
          deadlineMs: WEBHOOK_RECORD_DEADLINE_MS,
          maxDelayMs: 1_000,
          signal: ctx.signal,
          // The POST happened: a run that takes the job over must find it recorded, not send it again.
          outlastsClaim: true,
          logger: ctx.logger,
          message: 'webhook delivered but not yet recorded; retrying the record',
        },
      );
      if (healthUnchanged(webhook, result.kind === 'response' ? result.statusCode : undefined, at)) {
        await recorded;
      } else {
        await Promise.all([
          recorded,
          // Subscription health is advisory: an outage here must not make the event go out again.
          deps.store.webhooks
            .recordDeliveryResult({ ...webhookRef, ok: true, ...statusCode, at })
            .then((written) => written && deps.subscriptions?.remember(written))
            .catch((error: unknown) => log(`subscription health not recorded: ${describeError(error)}`)),
        ]);
      }
      return { ...summary, status: 'succeeded' };
    }

    const updated = await deps.store.webhooks.recordDeliveryResult({
      ...webhookRef,
      ok: false,
      ...statusCode,
      at,
    });
    // The next success in this process must see the failing run, or it would skip clearing it.
    if (updated) deps.subscriptions?.remember(updated);
    if (outcome.kind === 'gone') {
      await deps.store.webhookDeliveries.recordAttempt({
        ...observed,
        status: 'failed',
        error: 'HTTP 410 Gone: the subscription was disabled',
        nextAttemptAt: null,
      });
      const disabled = await disable(webhook, 'endpoint answered 410 Gone', at, log, ctx.span);
      return { ...summary, status: 'failed', disabled };
    }
    if (outcome.kind === 'refused') {
      await deps.store.webhookDeliveries.recordAttempt({
        ...observed,
        status: 'failed',
        error: outcome.reason.slice(0, 1000),
        nextAttemptAt: null,
      });
      throw new PermanentError(`webhook target refused: ${outcome.reason}`, { code: 'unsafe_webhook_url' });
    }

    const since = updated?.consecutiveFailureSince;
    if (since && at.getTime() - Date.parse(since) >= disableAfterMs) {
      await deps.store.webhookDeliveries.recordAttempt({
        ...observed,
        status: 'failed',
        error: `${outcome.reason}; the subscription was disabled after failing since ${since}`.slice(0, 1000),
        nextAttemptAt: null,
      });
      const disabled = await disable(webhook, `failing continuously since ${since}`, at, log, ctx.span);
      return { ...summary, status: 'failed', disabled };
    }
    const last = ctx.attempt >= ctx.job.maxAttempts;
    await deps.store.webhookDeliveries.recordAttempt({
      ...observed,
      status: last ? 'failed' : 'pending',
      error: outcome.reason.slice(0, 1000),
      nextAttemptAt:
        !last && outcome.retryAfterMs !== undefined ? new Date(at.getTime() + outcome.retryAfterMs) : null,
    });
    throw new RetryableError(`webhook delivery failed: ${outcome.reason}`, {
      code: 'webhook_delivery_failed',
      ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
    });
  };
}
