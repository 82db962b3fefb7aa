import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { QUEUE_NAMES, type QueueName } from '@paperlane/core';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { assertRole, OPERATOR } from '../middleware/authenticate';
import { adminErrors } from './admin';
import { bearer } from './common';

/** One queue over a window, from the job records of every tenant. */
export interface QueueWindowSummary {
  completed: number;
  failed: number;
  throughputPerMinute: number;
  failureRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** When the longest-waiting pending job became pending. */
  oldestPendingAt?: Date;
}

/** Reads the window statistics of every queue from the job records (every mode; loaded lazily on the API Lambda). */
export type QueueWindow = (input: {
  windowMinutes: number;
  now: Date;
}) => Promise<Map<QueueName, QueueWindowSummary>>;

const queueWindowSchema = z
  .object({
    name: z.enum(QUEUE_NAMES),
    depth: z.number().int(),
    in_flight: z.number().int(),
    dlq_depth: z.number().int(),
    oldest_age_seconds: z.number().int().nullable(),
    paused: z.boolean(),
    completed: z.number().int(),
    failed: z.number().int(),
    throughput_per_minute: z.number(),
    failure_rate: z.number(),
    p50_ms: z.number().nullable(),
    p95_ms: z.number().nullable(),
  })
  .openapi('QueueWindowStats');

const stats = createRoute({
  method: 'get',
  path: '/admin/queues/stats',
  tags: ['admin'],
  summary: 'Every queue: depths now; counts, throughput, failure rate, p50/p95 run time over a window',
  security: bearer,
  request: {
    query: z.strictObject({ window_minutes: z.coerce.number().int().min(1).max(1440).default(60) }),
  },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z.object({ window_minutes: z.number().int(), queues: z.array(queueWindowSchema) }),
        },
      },
      description: 'One entry per queue',
    },
    ...adminErrors,
  },
});

/**
 * `GET /admin/queues/stats`: the operator's dashboard numbers. Deployment-wide (every
 * tenant's jobs), so operator only; a tenant admin gets 403 like on `/admin/queues`.
 *
 * @example app.route('/', queueStatsRoutes(deps))
 */
export function queueStatsRoutes(deps: Pick<ApiDeps, 'queueAdmin' | 'queueWindow' | 'clock'>) {
  const app = new OpenAPIHono<ApiEnv>();
  return app.openapi(stats, async (c) => {
    assertRole(c.get('principal'), OPERATOR);
    const { queueAdmin, queueWindow } = deps;
    if (!queueAdmin || !queueWindow)
      throw new HttpError(
        503,
        'queue_stats_unavailable',
        'queue statistics are not available in this deployment',
      );
    const windowMinutes = c.req.valid('query').window_minutes;
    const now = deps.clock.now();
    const [depths, windows] = await Promise.all([queueAdmin.stats(), queueWindow({ windowMinutes, now })]);
    const queues = depths.map((depth) => {
      const w = windows.get(depth.queue);
      return {
        name: depth.queue,
        depth: depth.waiting + depth.delayed,
        in_flight: depth.inFlight,
        dlq_depth: depth.failed,
        oldest_age_seconds: w?.oldestPendingAt
          ? Math.max(0, Math.floor((now.getTime() - w.oldestPendingAt.getTime()) / 1000))
          : null,
        paused: depth.paused,
        completed: w?.completed ?? 0,
        failed: w?.failed ?? 0,
        throughput_per_minute: w?.throughputPerMinute ?? 0,
        failure_rate: w?.failureRate ?? 0,
        p50_ms: w?.p50Ms ?? null,
        p95_ms: w?.p95Ms ?? null,
      };
    });
    return c.json({ window_minutes: windowMinutes, queues }, 200);
  });
}
