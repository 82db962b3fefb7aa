import type { TraceContext } from '@paperlane/core';

/** One signed POST to a subscriber. */
export interface WebhookSendRequest {
  url: string;
  /** The exact bytes that were signed. */
  body: string;
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** The delivery attempt's span: a tracing sender sends a child of it as `traceparent`. */
  parent?: TraceContext;
}

export type WebhookSendResult =
  | {
      kind: 'response';
      statusCode: number;
      /** The raw `Retry-After` header, when given. */
      retryAfter?: string;
      /** The first bytes of the answer (capped by the sender). */
      bodyExcerpt: string;
      durationMs: number;
    }
  | {
      kind: 'failure';
      /** `unsafe_url` is the SSRF guard refusing the target; the rest are network outcomes. */
      code: 'unsafe_url' | 'dns_failed' | 'timeout' | 'aborted' | 'connection_failed';
      message: string;
      durationMs: number;
    };

/**
 * The outbound HTTP port for webhooks: the sender owns the SSRF guard (URL policy and
 * the resolved-address check at connect time), the timeout, the no-redirect rule and
 * the response cap. `createWebhookHttpSender` in `@paperlane/adapters/webhooks/index`
 * implements it.
 */
export interface WebhookSender {
  send(request: WebhookSendRequest): Promise<WebhookSendResult>;
}
