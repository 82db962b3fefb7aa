import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { authenticate, OPERATOR, requireRole } from '../middleware/authenticate';
import { authErrors, bearer, jsonError } from './common';

/** Where `/metrics` gets its text: the process's registry merged with the other processes'. */
export interface MetricsExposition {
  contentType: string;
  render(): Promise<string>;
}

const scrape = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['ops'],
  summary: 'Prometheus metrics of every Paperlane process (operator only)',
  security: bearer,
  responses: {
    200: { content: { 'text/plain': { schema: z.string() } }, description: 'Prometheus text format 0.0.4' },
    403: jsonError('The token is not an operator token'),
    503: jsonError('No Prometheus registry here (on Lambda, metrics go to CloudWatch as EMF)'),
    ...authErrors,
  },
});

/**
 * `GET /metrics`: deployment-wide numbers (every tenant's jobs), so the operator's only.
 *
 * @example app.route('/', metricsRoutes(deps))
 */
export function metricsRoutes(deps: Pick<ApiDeps, 'verifyToken' | 'metricsExposition'>) {
  const app = new OpenAPIHono<ApiEnv>();
  app.use('/metrics', authenticate(deps.verifyToken), requireRole(...OPERATOR));
  return app.openapi(scrape, async (c) => {
    const exposition = deps.metricsExposition;
    // Answered, not thrown: this is the design on Lambda, and a scraper pointed at it every
    // 15 s must not fill the log with "request failed" errors.
    if (!exposition)
      return c.json(
        {
          error: {
            code: 'metrics_unavailable',
            message:
              'no Prometheus registry here: on AWS metrics are CloudWatch EMF (namespace Paperlane) and /admin/queues/stats',
          },
        },
        503,
      );
    return c.text(await exposition.render(), 200, { 'content-type': exposition.contentType });
  });
}
