import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { idSchema, type JobRecord } from '@paperlane/core';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { idempotencyKeyParameter, idempotent } from '../middleware/idempotency';
import { limitPerTenant } from '../middleware/rate-limit';
import { jobSchema, presentJob } from '../presenters';
import { authErrors, bearer, idParam, jsonError } from './common';
import { type RetryOutcome, retryJobs } from './job-retry';

const MAX_BATCH = 100;

const getJob = createRoute({
  method: 'get',
  path: '/api/jobs/{job_id}',
  tags: ['jobs'],
  summary: 'A job and its state',
  security: bearer,
  request: { params: idParam('job_id') },
  responses: {
    200: { content: { 'application/json': { schema: jobSchema } }, description: 'The job' },
    404: jsonError('No such job for this tenant'),
    ...authErrors,
  },
});

const batchJobs = createRoute({
  method: 'get',
  path: '/api/jobs/batch',
  tags: ['jobs'],
  summary: 'Several jobs at once',
  security: bearer,
  request: {
    query: z.object({
      ids: z
        .string()
        .max(MAX_BATCH * 130)
        .openapi({
          example: 'job_01A,job_01B',
          description: `Comma-separated job ids, at most ${MAX_BATCH}`,
        }),
    }),
  },
  responses: {
    200: {
      content: {
        'application/json': { schema: z.object({ jobs: z.array(jobSchema), missing: z.array(z.string()) }) },
      },
      description: 'The jobs found, and the ids that were not',
    },
    400: jsonError('Malformed or too many ids'),
    ...authErrors,
  },
});

const retryJob = createRoute({
  method: 'post',
  path: '/api/jobs/{job_id}/retry',
  tags: ['jobs'],
  summary: 'Run a failed or cancelled job again',
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: { params: idParam('job_id') },
  responses: {
    202: { content: { 'application/json': { schema: jobSchema } }, description: 'Queued again' },
    404: jsonError('No such job for this tenant'),
    409: jsonError('The job is not failed or cancelled'),
    ...authErrors,
  },
});

const cancelJob = createRoute({
  method: 'post',
  path: '/api/jobs/{job_id}/cancel',
  tags: ['jobs'],
  summary: 'Cancel a pending or running job',
  security: bearer,
  request: { params: idParam('job_id') },
  responses: {
    200: { content: { 'application/json': { schema: jobSchema } }, description: 'Cancelled' },
    404: jsonError('No such job for this tenant'),
    409: jsonError('The job has already finished'),
    ...authErrors,
  },
});

const bulk = createRoute({
  method: 'post',
  path: '/api/jobs/bulk',
  tags: ['jobs'],
  summary: 'Retry or cancel many jobs',
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            action: z.enum(['retry', 'cancel']),
            ids: z.array(idSchema).min(1).max(MAX_BATCH),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z.object({
            results: z.array(
              z.object({
                job_id: z.string(),
                outcome: z.enum(['ok', 'not_found', 'conflict']),
                job: jobSchema.optional(),
              }),
            ),
          }),
        },
      },
      description: 'One result per id',
    },
    400: jsonError('Malformed request'),
    ...authErrors,
  },
});

/** Job routes: every read and write is scoped to the caller's tenant; another tenant's job is a 404. */
export function jobRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  async function retry(tenantId: string, jobId: string): Promise<RetryOutcome> {
    const [result] = await retryJobs(deps, tenantId, [jobId]);
    return result ?? { outcome: 'not_found' };
  }

  async function cancel(
    tenantId: string,
    jobId: string,
  ): Promise<{ outcome: 'ok' | 'not_found' | 'conflict'; job?: JobRecord }> {
    const now = deps.clock.now();
    // The sweeper runs the settled hook from the outbox marker: a cancelled job can be the
    // last one its upload session waits for, and the API does not complete sessions itself.
    const cancelled = await deps.store.jobs.cancel({ tenantId, jobId, now, settleDueAt: now });
    if (cancelled) return { outcome: 'ok', job: cancelled };
    const current = await deps.store.jobs.get({ tenantId, jobId });
    return current ? { outcome: 'conflict', job: current } : { outcome: 'not_found' };
  }

  function answer(
    result: { outcome: 'ok' | 'not_found' | 'conflict'; job?: JobRecord },
    jobId: string,
    verb: string,
  ) {
    if (result.outcome === 'not_found') throw new HttpError(404, 'not_found', `job ${jobId} not found`);
    if (result.outcome === 'conflict') {
      throw new HttpError(
        409,
        'invalid_state',
        `job ${jobId} is ${result.job?.status} and cannot be ${verb}`,
      );
    }
    return presentJob(result.job!);
  }

  app.use('/api/jobs/:job_id/retry', limitPerTenant(deps.rateLimiter), idempotent(deps));
  app.use('/api/jobs/bulk', limitPerTenant(deps.rateLimiter), idempotent(deps));
  return app
    .openapi(batchJobs, async (c) => {
      const ids = [
        ...new Set(
          c.req
            .valid('query')
            .ids.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      if (ids.length === 0 || ids.length > MAX_BATCH) {
        throw new HttpError(400, 'invalid_ids', `give between 1 and ${MAX_BATCH} job ids`);
      }
      const bad = ids.filter((id) => !idSchema.safeParse(id).success);
      if (bad.length > 0) throw new HttpError(400, 'invalid_ids', 'some ids are malformed', bad.slice(0, 10));
      const jobs = await deps.store.jobs.getMany(c.get('principal').tenantId, ids);
      const found = new Set(jobs.map((j) => j.jobId));
      return c.json({ jobs: jobs.map(presentJob), missing: ids.filter((id) => !found.has(id)) }, 200);
    })

    .openapi(getJob, async (c) => {
      const { job_id } = c.req.valid('param');
      const job = await deps.store.jobs.get({ tenantId: c.get('principal').tenantId, jobId: job_id });
      if (!job) throw new HttpError(404, 'not_found', `job ${job_id} not found`);
      return c.json(presentJob(job), 200);
    })
    .openapi(retryJob, async (c) => {
      const { job_id } = c.req.valid('param');
      return c.json(answer(await retry(c.get('principal').tenantId, job_id), job_id, 'retried'), 202);
    })

    .openapi(cancelJob, async (c) => {
      const { job_id } = c.req.valid('param');
      return c.json(answer(await cancel(c.get('principal').tenantId, job_id), job_id, 'cancelled'), 200);
    })
    .openapi(bulk, async (c) => {
      const { action: verb, ids } = c.req.valid('json');
      const tenantId = c.get('principal').tenantId;
      const unique = [...new Set(ids)];
      const outcomes =
        verb === 'retry'
          ? await retryJobs(deps, tenantId, unique)
          : await Promise.all(unique.map((id) => cancel(tenantId, id)));
      const results = [];
      for (const [n, id] of unique.entries()) {
        const result = outcomes[n] ?? { outcome: 'not_found' as const };
        results.push({
          job_id: id,
          outcome: result.outcome,
          ...(result.outcome === 'ok' && result.job ? { job: presentJob(result.job) } : {}),
        });
      }
      return c.json({ results }, 200);
    });
}
