import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { idSchema, type JobRecord, QUEUE_NAMES } from '@paperlane/core';
import { errorCodeFilterSchema } from '@paperlane/store';
import type { PrincipalRole } from '../auth/principal';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { assertRole } from '../middleware/authenticate';
import { idempotencyKeyParameter, idempotent } from '../middleware/idempotency';
import { limitPerTenant } from '../middleware/rate-limit';
import { authErrors, bearer, jsonError } from './common';
import { retryJobs } from './job-retry';
import { lazyListStore } from './lazy-list-store';

/** A bulk retry requeues at most this many jobs; the answer says `truncated` when more matched. */
export const MAX_BULK_RETRY = 500;
const SAMPLE_IDS = 5;

/** The tenant's own failed jobs: its admin (an operator acts in its token's tenant too). */
const TENANT_ADMIN: readonly PrincipalRole[] = ['admin', 'operator'];

const groupSchema = z
  .object({
    error_code: z.string(),
    count: z.number().int(),
    queues: z.array(z.string()),
    latest_at: z.string(),
    sample_job_ids: z.array(z.string()),
  })
  .openapi('FailedJobGroup');

const groups = createRoute({
  method: 'get',
  path: '/api/failed-jobs/groups',
  tags: ['jobs'],
  summary: "The tenant's failed jobs grouped by error code, largest group first (tenant admin)",
  security: bearer,
  request: { query: z.strictObject({ queue: z.enum(QUEUE_NAMES).optional() }) },
  responses: {
    200: {
      content: {
        'application/json': { schema: z.object({ groups: z.array(groupSchema), truncated: z.boolean() }) },
      },
      description: 'The groups',
    },
    400: jsonError('Unknown queue or parameter'),
    403: jsonError('Not a tenant admin'),
    ...authErrors,
  },
});

const bulkRetry = createRoute({
  method: 'post',
  path: '/api/jobs/bulk-retry',
  tags: ['jobs'],
  summary: `Retry the tenant's failed jobs by error code, queue or ids, at most ${MAX_BULK_RETRY} a call (tenant admin)`,
  description:
    '`dry_run` only counts. With `job_ids`, failed or cancelled ones among them; else failed jobs.',
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            error_code: errorCodeFilterSchema.optional(),
            queue: z.enum(QUEUE_NAMES).optional(),
            job_ids: z.array(idSchema).min(1).max(MAX_BULK_RETRY).optional(),
            dry_run: z.boolean().default(false),
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
            matched: z.number().int(),
            retried: z.number().int(),
            dry_run: z.boolean(),
            truncated: z.boolean(),
          }),
        },
      },
      description: 'How many matched and how many were requeued',
    },
    400: jsonError('Malformed body'),
    403: jsonError('Not a tenant admin'),
    ...authErrors,
  },
});

/** Groups failed jobs by error code; newest failure decides `latest_at`, samples are the newest ids. */
function groupByError(jobs: readonly JobRecord[]) {
  const byCode = new Map<string, { count: number; queues: Set<string>; latest: string; samples: string[] }>();
  for (const job of jobs) {
    const code = job.errorCode ?? 'unknown';
    const group = byCode.get(code) ?? { count: 0, queues: new Set(), latest: '', samples: [] };
    group.count++;
    group.queues.add(job.queue);
    const at = job.finishedAt ?? job.updatedAt;
    if (at > group.latest) group.latest = at;
    if (group.samples.length < SAMPLE_IDS) group.samples.push(job.jobId);
    byCode.set(code, group);
  }
  return [...byCode.entries()]
    .map(([code, g]) => ({
      error_code: code,
      count: g.count,
      queues: [...g.queues].sort(),
      latest_at: g.latest,
      sample_job_ids: g.samples,
    }))
    .sort((a, b) => b.count - a.count || (a.latest_at < b.latest_at ? 1 : -1));
}

/**
 * A tenant admin's view of its failed jobs: groups by error code, and bulk retry (with
 * a dry run). Both read the job records, so they hold after any restart.
 *
 * @example app.route('/', failedJobRoutes(deps))
 */
export function failedJobRoutes(
  deps: Pick<ApiDeps, 'store' | 'dispatcher' | 'clock' | 'sweepGraceMs' | 'rateLimiter'>,
) {
  const app = new OpenAPIHono<ApiEnv>();
  const lists = lazyListStore(deps);
  app.use('/api/jobs/bulk-retry', limitPerTenant(deps.rateLimiter), idempotent(deps));
  return app
    .openapi(groups, async (c) => {
      const principal = c.get('principal');
      assertRole(principal, TENANT_ADMIN);
      const { queue } = c.req.valid('query');
      const scan = await lists().failedJobs(principal.tenantId, queue ? { queue } : {});
      return c.json({ groups: groupByError(scan.jobs), truncated: scan.truncated }, 200);
    })
    .openapi(bulkRetry, async (c) => {
      const principal = c.get('principal');
      assertRole(principal, TENANT_ADMIN);
      const body = c.req.valid('json');
      const tenantId = principal.tenantId;
      const fits = (job: JobRecord) =>
        (!body.queue || job.queue === body.queue) && (!body.error_code || job.errorCode === body.error_code);
      let matched: JobRecord[];
      let scanTruncated = false;
      if (body.job_ids) {
        const jobs = await deps.store.jobs.getMany(tenantId, body.job_ids);
        matched = jobs.filter((job) => (job.status === 'failed' || job.status === 'cancelled') && fits(job));
      } else {
        const scan = await lists().failedJobs(tenantId, {
          ...(body.queue ? { queue: body.queue } : {}),
          ...(body.error_code ? { errorCode: body.error_code } : {}),
        });
        matched = scan.jobs;
        scanTruncated = scan.truncated;
      }
      const truncated = scanTruncated || matched.length > MAX_BULK_RETRY;
      if (body.dry_run) {
        return c.json({ matched: matched.length, retried: 0, dry_run: true, truncated }, 200);
      }
      const chosen = matched.slice(0, MAX_BULK_RETRY).map((job) => job.jobId);
      const results = await retryJobs(deps, tenantId, chosen);
      const retried = results.filter((r) => r.outcome === 'ok').length;
      return c.json({ matched: matched.length, retried, dry_run: false, truncated }, 200);
    });
}
