import { currentTrace, type Metrics } from '@paperlane/core';
import { createMiddleware } from 'hono/factory';
import type { ApiEnv } from '../env';

/**
 * Records every request's latency under its route pattern (`/api/jobs/:job_id`), never
 * the raw path: ids in paths would make one time series per job. A request no route
 * matched is recorded as `unmatched`.
 *
 * @example app.use('*', httpMetrics(metrics))
 */
export function httpMetrics(metrics: Metrics) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // After `next()`, `routePath` is the pattern of the last handler that ran.
      const route = c.req.routePath;
      // Inside requestContext's span (registered before this middleware): the request's own span.
      const span = currentTrace();
      metrics.httpRequest({
        method: c.req.method,
        route: route === '*' || route === '/*' ? 'unmatched' : route,
        status: c.res.status,
        durationMs: performance.now() - started,
        ...(span ? { span } : {}),
      });
    }
  });
}
