import { MAX_WEBHOOK_PAYLOAD_BYTES } from '@paperlane/store';
import type { Context } from 'hono';
import type { UploadLimits } from '../deps';
import type { ApiEnv } from '../env';

/**
 * A webhook or event body: the largest payload plus room for the envelope. Here, not with
 * the webhook routes, so the app's shell does not load those routes to know it.
 */
export const MAX_EVENT_BODY_BYTES = MAX_WEBHOOK_PAYLOAD_BYTES + 4096;

const PRESIGNED_PUT = /^\/api\/uploads\/[^/]+\/files\/[^/]+$/;

export interface RouteBody {
  /** The most bytes a request to the route may carry. */
  maxBytes: number;
  /** The route reads the raw body itself (files), whatever its declared type: never parse it as JSON. */
  raw: boolean;
}

/**
 * What a route's body may be: uploads take files, a local presigned PUT one file (its
 * slot may allow less), webhook and event bodies are small, and every other route
 * (JSON) gets `defaultBytes`. One table, so no route is left unbounded.
 */
export function routeBodyLimit(upload: UploadLimits, defaultBytes: number) {
  return (c: Context<ApiEnv>): RouteBody => {
    const { method, path } = c.req;
    if (method === 'POST' && path === '/api/upload') return { maxBytes: upload.maxRequestBytes, raw: true };
    if (method === 'PUT' && PRESIGNED_PUT.test(path)) return { maxBytes: upload.maxFileBytes, raw: true };
    if (path === '/api/events' || path === '/api/webhooks' || path.startsWith('/api/webhooks/')) {
      return { maxBytes: Math.min(MAX_EVENT_BODY_BYTES, defaultBytes), raw: false };
    }
    return { maxBytes: defaultBytes, raw: false };
  };
}
