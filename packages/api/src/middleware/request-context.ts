import { randomUUID } from 'node:crypto';
import { childSpan, type Logger, parseTraceparent, traceFields, withTrace } from '@paperlane/core';
import { createMiddleware } from 'hono/factory';
import type { ApiEnv } from '../env';

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** A file link's token is a credential until it expires: its path is logged without it. */
const loggedPath = (path: string) => (path.startsWith('/files/') ? '/files/{token}' : path);

/**
 * A request id (the caller's `x-request-id` if well-formed, else a new one), a
 * logger bound to it, and one structured log line per request. Paths are logged
 * without their query string (tokens travel there for WebSocket/SSE clients) and
 * without a file link's token.
 */
export function requestContext(logger: Logger) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    // The caller's W3C trace continues (a malformed header is ignored, not an error); the
    // request is its span, and the jobs it enqueues are children of it.
    const span = childSpan(parseTraceparent(c.req.header('traceparent')));
    c.set('requestId', requestId);
    c.set('logger', logger.child({ requestId, ...traceFields(span) }));
    c.header('x-request-id', requestId);
    const started = performance.now();
    await withTrace(span, next);
    const principal = c.get('principal');
    c.get('logger').info('request', {
      method: c.req.method,
      path: loggedPath(c.req.path),
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      ...(principal ? { tenantId: principal.tenantId } : {}),
    });
  });
}
