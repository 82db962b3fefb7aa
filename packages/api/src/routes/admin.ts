import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { idSchema, isQueueName, type JobRecord, QUEUE_NAMES, type QueueName } from '@paperlane/core';
import type { QueueAdmin, QueueStats } from '@paperlane/runtime';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { assertRole, OPERATOR } from '../middleware/authenticate';
import { authErrors, bearer, jsonError } from './common';

const MAX_REDRIVE_IDS = 100;

const queueStatsSchema = z
  .object({
    queue: z.enum(QUEUE_NAMES),
    waiting: z.number().int(),
    in_flight: z.number().int(),
    delayed: z.number().int(),
    failed: z.number().int(),
    paused: z.boolean(),
  })
  .openapi('QueueStats');

const failedJobSchema = z
  .object({
    entry_id: z.string(),
    job_id: z.string().optional(),
    queue: z.enum(QUEUE_NAMES),
    status: z.string().optional(),
    error: z.string().optional(),
    error_code: z.string().optional(),
    attempts: z.number().int().optional(),
    max_attempts: z.number().int().optional(),
    dead_letter_reason: z.string().optional(),
    dead_letter_code: z.string().optional(),
    failed_at: z.string().optional(),
  })
  .openapi('FailedJob');

/** A queue name as it may appear in a path: checked against the catalog afterwards (404, not 400). */
const nameParam = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and -')
    .openapi({ param: { name: 'name', in: 'path' }, example: 'thumbnail' }),
});

export const adminErrors = {
  ...authErrors,
  403: jsonError('The token is not an admin token'),
  404: jsonError('No such queue (`queue_not_found`)'),
  503: jsonError('Queue administration is not configured, or the queue backend is unreachable'),
} as const;

const listQueues = createRoute({
  method: 'get',
  path: '/admin/queues',
  tags: ['admin'],
  summary: 'Every job queue: waiting, in flight, delayed, failed (dead-lettered), paused',
  security: bearer,
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ queues: z.array(queueStatsSchema) }) } },
      description: 'Queue depths (platform-wide)',
    },
    ...adminErrors,
  },
});

const listFailed = createRoute({
  method: 'get',
  path: '/admin/queues/{name}/failed',
  tags: ['admin'],
  summary: "The caller's tenant's dead-lettered jobs, with error and attempts",
  security: bearer,
  request: {
    params: nameParam,
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z
        .string()
        .max(1024)
        .regex(/^[A-Za-z0-9_-]+$/, 'an opaque cursor from a previous page')
        .optional(),
    }),
  },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z.object({
            jobs: z.array(failedJobSchema),
            cursor: z.string().optional(),
            truncated: z.boolean(),
          }),
        },
      },
      description:
        'One page of failed job records, oldest failure first (the records, not the DLQ: they outlive restarts)',
    },
    400: jsonError('Malformed limit or cursor'),
    ...adminErrors,
  },
});

const redrive = createRoute({
  method: 'post',
  path: '/admin/queues/{name}/redrive',
  tags: ['admin'],
  summary: 'Run dead-lettered jobs again: the given ids (caller tenant) or, without ids, the whole DLQ',
  security: bearer,
  request: {
    params: nameParam,
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({ ids: z.array(idSchema).min(1).max(MAX_REDRIVE_IDS).optional() }),
        },
      },
      required: false,
    },
  },
  responses: {
    202: {
      content: {
        'application/json': {
          schema: z.object({
            redriven: z.number().int(),
            discarded: z.number().int(),
            skipped: z.number().int(),
            not_found: z.array(z.string()),
          }),
        },
      },
      description: 'Jobs put back on their queue; counts of each outcome',
    },
    400: jsonError('Malformed body or too many ids'),
    ...adminErrors,
  },
});

const switchRoute = (action: 'pause' | 'resume') =>
  createRoute({
    method: 'post',
    path: `/admin/queues/{name}/${action}`,
    tags: ['admin'],
    summary: action === 'pause' ? 'Stop consumers taking jobs from a queue' : 'Let consumers take jobs again',
    security: bearer,
    request: { params: nameParam },
    responses: {
      200: { content: { 'application/json': { schema: queueStatsSchema } }, description: 'The queue now' },
      ...adminErrors,
    },
  });

function presentStats(stats: QueueStats) {
  return {
    queue: stats.queue,
    waiting: stats.waiting,
    in_flight: stats.inFlight,
    delayed: stats.delayed,
    failed: stats.failed,
    paused: stats.paused,
  };
}

/** A failed job record in the failed-list shape; the record has no DLQ entry, so its id stands in. */
function presentFailedRecord(job: JobRecord) {
  return {
    entry_id: job.jobId,
    job_id: job.jobId,
    queue: job.queue,
    status: job.status,
    ...(job.lastError ? { error: job.lastError } : {}),
    ...(job.errorCode ? { error_code: job.errorCode } : {}),
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    failed_at: job.finishedAt ?? job.updatedAt,
  };
}

/**
 * Operator routes over the `QueueAdmin` port (mounted behind the `/admin/*` bearer +
 * admin-role middleware). Scope: queue depths, pause/resume and "redrive everything"
 * act on the platform's queues (queues are shared by every tenant); anything that
 * names or shows jobs — the failed list, redrive by ids — is limited to the caller's
 * tenant, like every other job route.
 *
 * @example app.route('/', adminRoutes(deps))
 */
export function adminRoutes(deps: Pick<ApiDeps, 'queueAdmin' | 'store'>) {
  const app = new OpenAPIHono<ApiEnv>();

  function admin(): QueueAdmin {
    if (!deps.queueAdmin)
      throw new HttpError(503, 'queue_admin_unavailable', 'queue administration is not configured');
    return deps.queueAdmin;
  }

  function queueOf(name: string): QueueName {
    if (!isQueueName(name)) throw new HttpError(404, 'queue_not_found', `no queue named ${name}`);
    return name;
  }

  async function statsOf(queue: QueueName) {
    const stats = (await admin().stats()).find((s) => s.queue === queue);
    if (!stats) throw new HttpError(404, 'queue_not_found', `no queue named ${queue}`);
    return presentStats(stats);
  }

  return app
    .openapi(listQueues, async (c) => {
      assertRole(c.get('principal'), OPERATOR);
      return c.json({ queues: (await admin().stats()).map(presentStats) }, 200);
    })
    .openapi(listFailed, async (c) => {
      const queue = queueOf(c.req.valid('param').name);
      const { limit, cursor } = c.req.valid('query');
      // The job records are the history: a DLQ is emptied by a restart of the embedded
      // queue, by redrive and by retention, while the records still say failed.
      const page = await deps.store.jobs.listByStatus(c.get('principal').tenantId, queue, 'failed', {
        limit,
        ...(cursor ? { cursor } : {}),
      });
      return c.json(
        {
          jobs: page.items.map(presentFailedRecord),
          truncated: false,
          ...(page.cursor ? { cursor: page.cursor } : {}),
        },
        200,
      );
    })
    .openapi(redrive, async (c) => {
      const queue = queueOf(c.req.valid('param').name);
      const ids = c.req.valid('json')?.ids;
      // Without ids it is the whole DLQ, every tenant's jobs: the operator's call.
      if (!ids) assertRole(c.get('principal'), OPERATOR);
      const result = await admin().redrive(
        queue,
        ids ? { ids: [...new Set(ids)], tenantId: c.get('principal').tenantId } : {},
      );
      return c.json(
        {
          redriven: result.redriven,
          discarded: result.discarded,
          skipped: result.skipped,
          not_found: result.notFound,
        },
        202,
      );
    })
    .openapi(switchRoute('pause'), async (c) => {
      assertRole(c.get('principal'), OPERATOR);
      const queue = queueOf(c.req.valid('param').name);
      await admin().pause(queue);
      return c.json(await statsOf(queue), 200);
    })
    .openapi(switchRoute('resume'), async (c) => {
      assertRole(c.get('principal'), OPERATOR);
      const queue = queueOf(c.req.valid('param').name);
      await admin().resume(queue);
      return c.json(await statsOf(queue), 200);
    });
}
