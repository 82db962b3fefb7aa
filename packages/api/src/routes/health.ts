import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { describeError } from '@paperlane/core';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';

const CHECK_TIMEOUT_MS = 2_000;

const health = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['ops'],
  summary: 'Whether this process and its dependencies answer',
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z.object({ status: z.literal('ok'), checks: z.record(z.string(), z.string()) }),
        },
      },
      description: 'Every dependency answered',
    },
    503: {
      content: {
        'application/json': {
          schema: z.object({ status: z.literal('degraded'), checks: z.record(z.string(), z.string()) }),
        },
      },
      description: 'At least one dependency did not answer',
    },
  },
});

/** `/healthz`: each dependency must answer within 2 s. Failure details go to the log, not the response. */
export function healthRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();
  return app.openapi(health, async (c) => {
    const results = await Promise.all(
      deps.health.map(async ({ name, check }) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
            }),
          ]);
          return [name, 'ok'] as const;
        } catch (error) {
          c.get('logger').warn('health check failed', { check: name, error: describeError(error) });
          return [name, 'unavailable'] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(results);
    return results.every(([, s]) => s === 'ok')
      ? c.json({ status: 'ok' as const, checks }, 200)
      : c.json({ status: 'degraded' as const, checks }, 503);
  });
}
