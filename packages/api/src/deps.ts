import type { BlobStore, Clock, DocumentContentType, EventBus, Logger } from '@paperlane/core';
import type { Dispatcher } from '@paperlane/runtime';
import type { Store } from '@paperlane/store';
import type { TokenVerifier } from './auth/tokens';
import type { RateLimiter } from './middleware/rate-limit';

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
  /** Whole multipart body, checked before it is read. */
  maxRequestBytes: number;
}

export interface HealthCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  check(): Promise<void>;
}

/** Everything the HTTP app needs; built by an entry point (dev server, Lambda) from config. */
export interface ApiDeps {
  store: Store;
  blobs: BlobStore;
  dispatcher: Dispatcher;
  events: EventBus;
  verifyToken: TokenVerifier;
  limits: UploadLimits;
  rateLimiter: RateLimiter;
  /** The file's real type from its bytes; throws a PermanentError (`unsupported_file_type`, ...) otherwise. */
  sniff: (bytes: Uint8Array) => DocumentContentType;
  clock: Clock;
  logger: Logger;
  health: HealthCheck[];
  /** How long a job may wait unsent before the sweeper re-sends it (used when retrying). */
  sweepGraceMs: number;
}
