/**
 * Error classes shared by every layer. The split that matters to the runtime is
 * permanent (fail the job now, send it to the dead-letter side) versus everything
 * else (retry with backoff until the queue's attempts are spent).
 *
 * Classes set `name` and carry `cause`; `code` is the machine-readable form that
 * reaches job records, logs and API error bodies. Each class spells its `name` out
 * rather than reading `new.target.name`: a bundle minified without esbuild's
 * `keepNames` renames classes, and `describeError` would then log `e: ...`.
 */
export class PaperlaneError extends Error {
  override name = 'PaperlaneError';
  readonly code: string;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'internal_error';
  }
}

/** Retrying cannot help: bad file format, missing document, invalid configuration. */
export class PermanentError extends PaperlaneError {
  override name = 'PermanentError';
  readonly permanent = true as const;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'permanent_error', cause: options.cause });
  }
}

/** Input failed validation (a zod schema, a size limit). Never retried. */
export class ValidationError extends PermanentError {
  override name = 'ValidationError';
  readonly issues: readonly string[];
  constructor(message: string, options: { code?: string; issues?: readonly string[]; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'validation_error', cause: options.cause });
    this.issues = options.issues ?? [];
  }
}

/** A referenced object does not exist (for this tenant). */
export class NotFoundError extends PermanentError {
  override name = 'NotFoundError';
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'not_found', cause: options.cause });
  }
}

/** Configuration is missing or malformed. */
export class ConfigError extends PermanentError {
  override name = 'ConfigError';
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'config_error', cause: options.cause });
  }
}

/** A transient failure that knows when to try again (HTTP 429 with Retry-After, throttling). */
export class RetryableError extends PaperlaneError {
  override name = 'RetryableError';
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { code?: string; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'retryable_error', cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A state change was refused because the record is not in the expected state. */
export class ConflictError extends PaperlaneError {
  override name = 'ConflictError';
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'conflict', cause: options.cause });
  }
}

/** A transport (Redis, SQS) could not take a message; the dispatcher may fall back. */
export class TransportUnavailableError extends PaperlaneError {
  override name = 'TransportUnavailableError';
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'transport_unavailable', cause: options.cause });
  }
}

/** The job's time budget ran out or it was cancelled while running. Retryable unless cancelled. */
export class AbortedError extends PaperlaneError {
  override name = 'AbortedError';
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'aborted', cause: options.cause });
  }
}

/**
 * True for errors that must not be retried. Duck-typed on `permanent` as well as
 * `instanceof`, so errors crossing module copies or worker threads still count.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentError) return true;
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

/** A short, log-safe description of any thrown value. */
export function describeError(error: unknown, maxLength = 1000): string {
  let text: string;
  if (error instanceof Error) text = error.message ? `${error.name}: ${error.message}` : error.name;
  else if (typeof error === 'string') text = error;
  else {
    try {
      text = JSON.stringify(error) ?? String(error);
    } catch {
      text = String(error);
    }
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** The machine-readable code of any thrown value. */
export function errorCode(error: unknown): string {
  if (error instanceof PaperlaneError) return error.code;
  return 'internal_error';
}
