import { z } from '@hono/zod-openapi';
import {
  ConflictError,
  describeError,
  NotFoundError,
  PaperlaneError,
  PermanentError,
  TransportUnavailableError,
  ValidationError,
} from '@paperlane/core';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error the API returns has this body. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string().openapi({ example: 'job job_01 not found' }),
      details: z.array(z.string()).optional(),
    }),
  })
  .openapi('Error');
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An error with the HTTP status and machine-readable code it should answer with. */
export class HttpError extends PaperlaneError {
  override name = 'HttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    code: string,
    message: string,
    readonly details?: string[],
    readonly headers?: Record<string, string>,
  ) {
    super(message, { code });
  }
}

/** Domain error codes that have a more precise status than their class. */
const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  file_too_large: 413,
  too_many_files: 413,
  payload_too_large: 413,
  pixel_limit_exceeded: 413,
  too_many_pages: 413,
  unsupported_file_type: 415,
  unsupported_media_type: 415,
  encrypted_pdf: 422,
  corrupt_file: 422,
};

/**
 * Maps anything thrown in a handler to a status and an error body. Unknown
 * errors become a 500 whose message reveals nothing; the caller logs the cause.
 */
export function toErrorResponse(error: unknown): {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers?: Record<string, string>;
} {
  const body = (code: string, message: string, details?: string[]) => ({
    error: { code, message, ...(details && details.length > 0 ? { details } : {}) },
  });
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: body(error.code, error.message, error.details),
      ...(error.headers ? { headers: error.headers } : {}),
    };
  }
  if (error instanceof HTTPException) {
    // Hono's own: a body that is not valid JSON, an unparsable form, a body over a limit.
    const status = error.status as ContentfulStatusCode;
    const code = status === 413 ? 'payload_too_large' : status === 400 ? 'malformed_body' : 'http_error';
    const message =
      status === 400 ? 'the request body could not be parsed (malformed JSON or form data)' : error.message;
    return { status, body: body(code, message || 'request rejected') };
  }
  if (error instanceof PaperlaneError) {
    const mapped = STATUS_BY_CODE[error.code];
    if (error instanceof ValidationError) {
      return { status: mapped ?? 400, body: body(error.code, error.message, [...error.issues]) };
    }
    if (error instanceof NotFoundError) return { status: 404, body: body(error.code, error.message) };
    if (error instanceof ConflictError) return { status: 409, body: body(error.code, error.message) };
    if (error instanceof TransportUnavailableError) {
      return { status: 503, body: body(error.code, 'a backing service is unavailable; try again shortly') };
    }
    if (error instanceof PermanentError && mapped)
      return { status: mapped, body: body(error.code, error.message) };
  }
  return {
    status: 500,
    body: body('internal_error', 'something went wrong; the request id identifies it in our logs'),
  };
}

/** Turns zod issues into short `path: message` strings for error details. */
export function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string[] {
  return issues
    .slice(0, 10)
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
}

export { describeError };
