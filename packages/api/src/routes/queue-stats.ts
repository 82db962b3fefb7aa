import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { QUEUE_NAMES, type QueueName } from '@paperlane/core';
import { type FinishedTiming, summarizeWindow } from '../admin/window-stats';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { assertRole, OPERATOR } from '../middleware/authenticate';
import { authErrors, bearer, jsonError } from './common';

/** Bounds on one call: tenants visited, finished jobs read per tenant, queue and outcome, parallel reads. */
const MAX_TENANTS = 1_000;
const MAX_JOBS_PER_PARTITION = 2_000;
const PARALLEL_READS = 8;

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
  summary:
    'Every queue now (depth, in flight, DLQ, paused) and over a window (counts, throughput, failure rate, p50/p95)',
  description:
    'Depths come from the transport; counts and run times from the job records of every tenant finished in the ' +
    `window (at most ${MAX_TENANTS} tenants and ${MAX_JOBS_PER_PARTITION} jobs per tenant, queue and outcome).`,
  security: bearer,
  request: {
    query: z.strictObject({
      window_minutes: z.coerce.number().int().min(1).max(1440).default(60),
    }),
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
    400: jsonError('window_minutes outside 1..1440'),
    403: jsonError('The token is not an operator token'),
    503: jsonError('Queue administration is not configured, or the queue backend is unreachable'),
    ...authErrors,
  },
});

/** Runs `tasks` at most `limit` at a time (the store is shared with live traffic). */
async function inBatches<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * `GET /admin/queues/stats`: the operator's dashboard numbers. Deployment-wide (every
 * tenant's jobs), so operator only; a tenant admin gets 403 like on `/admin/queues`.
 *
 * @example app.route('/', queueStatsRoutes(deps))
 */
export function queueStatsRoutes(deps: Pick<ApiDeps, 'queueAdmin' | 'store' | 'clock' | 'logger'>) {
  const app = new OpenAPIHono<ApiEnv>();
  return app.openapi(stats, async (c) => {
    assertRole(c.get('principal'), OPERATOR);
    const admin = deps.queueAdmin;
    if (!admin) throw new HttpError(503, 'queue_admin_unavailable', 'queue administration is not configured');
    const windowMinutes = c.req.valid('query').window_minutes;
    const now = deps.clock.now();
    const since = new Date(now.getTime() - windowMinutes * 60_000);
    const [depths, directory] = await Promise.all([admin.stats(), deps.store.tenants.list(MAX_TENANTS)]);
    if (directory.truncated)
      c.get('logger').warn('queue stats cover the first tenants only', { tenants: MAX_TENANTS });

    const finished = new Map<QueueName, FinishedTiming[]>(QUEUE_NAMES.map((q) => [q, []]));
    const oldest = new Map<QueueName, number>();
    const tasks = directory.tenantIds.flatMap((tenantId) =>
      QUEUE_NAMES.flatMap((queue) => [
        ...(['complete', 'failed'] as const).map((status) => async () => {
          const page = await deps.store.jobWindow.finishedSince({
            tenantId,
            queue,
            status,
            since,
            limit: MAX_JOBS_PER_PARTITION,
          });
          finished.get(queue)?.push(...page.jobs);
        }),
        async () => {
          const pendingSince = await deps.store.jobWindow.oldestPendingSince({ tenantId, queue });
          if (!pendingSince) return;
          oldest.set(queue, Math.min(oldest.get(queue) ?? Number.POSITIVE_INFINITY, pendingSince.getTime()));
        },
      ]),
    );
    await inBatches(tasks, PARALLEL_READS);

    const queues = depths.map((depth) => {
      const summary = summarizeWindow(finished.get(depth.queue) ?? [], windowMinutes);
      const oldestAt = oldest.get(depth.queue);
      return {
        name: depth.queue,
        depth: depth.waiting + depth.delayed,
        in_flight: depth.inFlight,
        dlq_depth: depth.failed,
        oldest_age_seconds:
          oldestAt === undefined ? null : Math.max(0, Math.floor((now.getTime() - oldestAt) / 1000)),
        paused: depth.paused,
        completed: summary.completed,
        failed: summary.failed,
        throughput_per_minute: summary.throughputPerMinute,
        failure_rate: summary.failureRate,
        p50_ms: summary.p50Ms,
        p95_ms: summary.p95Ms,
      };
    });
    return c.json({ window_minutes: windowMinutes, queues }, 200);
  });
}
