import type {
  BlobLinkSigner,
  BlobStore,
  Clock,
  DocumentContentType,
  EventBus,
  FileTokenVerifier,
  Logger,
  Metrics,
  SecretCipher,
  TenantBudgetPolicy,
} from '@paperlane/core';
import type { Dispatcher, QueueAdmin } from '@paperlane/runtime';
import type { Store } from '@paperlane/store';
import type { Hono } from 'hono';
import type { TokenVerifier } from './auth/tokens';
import type { BodyLimits } from './middleware/bounded-body';
import type { RateLimiter } from './middleware/rate-limit';
import type { MetricsExposition } from './routes/metrics';
import type { QueueWindow } from './routes/queue-stats';
import type { WebhookApiDeps } from './routes/webhooks';

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
  /** Whole multipart body: a declared length over it is refused at once, a streamed one when it passes it. */
  maxRequestBytes: number;
}

export interface HealthCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  check(): Promise<void>;
}

/** What the mailbox routes need beyond the store and dispatcher. */
export interface MailboxApiDeps {
  /** Seals mailbox passwords (context `tenant:<t>/mailbox:<id>`) before they reach the store. */
  secrets: SecretCipher;
  /**
   * The registration check of a mail server (host and TLS mode), the same rules the
   * connect-time guard applies; throws a ValidationError (`mailbox_host_forbidden`,
   * `mailbox_tls_required`), answered 400.
   */
  checkEndpoint(endpoint: { host: string; tls: 'tls' | 'starttls' | 'none' }): void;
}

/** Everything the HTTP app needs; built by an entry point (dev server, Lambda) from config. */
export interface ApiDeps {
  store: Store;
  blobs: BlobStore;
  dispatcher: Dispatcher;
  events: EventBus;
  verifyToken: TokenVerifier;
  limits: UploadLimits;
  /** JSON and other small bodies (default 1 MiB, 32 levels, 10,000 keys and elements). */
  bodyLimits?: Partial<BodyLimits>;
  rateLimiter: RateLimiter;
  /** OCR page and LLM token budgets per tenant; enqueueing routes that spend them answer 429 once used up. */
  budgets?: TenantBudgetPolicy;
  /** The file's real type from its bytes; throws a PermanentError (`unsupported_file_type`, ...) otherwise. */
  sniff: (bytes: Uint8Array) => DocumentContentType;
  clock: Clock;
  logger: Logger;
  health: HealthCheck[];
  /** How long a job may wait unsent before the sweeper re-sends it (used when retrying). */
  sweepGraceMs: number;
  /** Webhook subscriptions (secret sealing, URL policy); without it those routes answer 503. */
  webhooks?: WebhookApiDeps;
  /** Mailbox routes; absent, they answer 503 `mailboxes_unavailable`. */
  mailboxes?: MailboxApiDeps;
  /** `/admin/queues/*` routes; absent, they answer 503 `queue_admin_unavailable`. */
  queueAdmin?: QueueAdmin;
  /** Where the web console's files lie flat (the AWS bundle); unset, the installed `@paperlane/console`. */
  consoleDir?: string;
  /** Bull Board (BullMQ driver only, from `createAdminBoard`), mounted at `/admin/board` behind admin auth. */
  adminBoard?: Hono;
  /** Where request latencies (and, on scrape, queue depths) are recorded; none without it. */
  metrics?: Metrics;
  /** `GET /metrics` text (Node processes, Prometheus); absent, it answers 503 `metrics_unavailable`. */
  metricsExposition?: MetricsExposition;
  /** `/admin/queues/stats` window numbers from the job records; absent, that route answers 503. */
  queueWindow?: QueueWindow;
  /**
   * Signs short-lived links to originals and thumbnails (HMAC `/files/{token}` locally,
   * S3 presigned GETs on AWS); absent, `POST /api/documents/{id}/links` answers 503.
   */
  fileLinks?: BlobLinkSigner;
  /**
   * The origin file links point to when it is not this one (the S3 bucket on AWS):
   * the console's Content-Security-Policy allows images from it and no other.
   */
  fileLinkOrigin?: string;
  /** Checks `/files/{token}` tokens (where `fileLinks` is the HMAC signer); absent, every token is refused. */
  fileTokens?: FileTokenVerifier;
  /**
   * Largest original `GET /api/documents/{id}/original` returns itself; a larger one is a
   * 302 to a link. Set on Lambda, whose responses are capped at 6 MB (base64 makes 4.5).
   */
  maxInlineFileBytes?: number;
}
