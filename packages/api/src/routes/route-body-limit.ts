import type { Context } from 'hono';
import type { UploadLimits } from '../deps';
import type { ApiEnv } from '../env';
import { MAX_EVENT_BODY_BYTES } from './webhooks';

const PRESIGNED_PUT = /^\/api\/uploads\/[^/]+\/files\/[^/]+$/;

/**
 * The most bytes a request to a route may carry: uploads take files, a local presigned
 * PUT one file (its slot may allow less), webhook and event bodies are small, and every
 * other route (JSON) gets `defaultBytes`. One table, so no route is left unbounded.
 */
export function routeBodyLimit(upload: UploadLimits, defaultBytes: number) {
  return (c: Context<ApiEnv>): number => {
    const { method, path } = c.req;
    if (method === 'POST' && path === '/api/upload') return upload.maxRequestBytes;
    if (method === 'PUT' && PRESIGNED_PUT.test(path)) return upload.maxFileBytes;
    if (path === '/api/events' || path === '/api/webhooks' || path.startsWith('/api/webhooks/')) {
      return Math.min(MAX_EVENT_BODY_BYTES, defaultBytes);
    }
    return defaultBytes;
  };
}
