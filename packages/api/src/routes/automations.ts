import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { newId } from '@paperlane/core';
import { automationRunKey, canonicalTimeZone, parseSchedule, planNextRun } from '@paperlane/jobs';
import type { AutomationRecord } from '@paperlane/store';
import type { Principal } from '../auth/principal';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { idempotencyKeyParameter, idempotent } from '../middleware/idempotency';
import { limitPerTenant } from '../middleware/rate-limit';
import { jobSchema, presentJob } from '../presenters';
import { authErrors, bearer, idParam, jsonError } from './common';

// Built from zod-openapi's own `z` (see common.ts); the store re-validates with its schemas.
const actionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('sync_mailboxes') }),
    z.strictObject({ type: z.literal('retry_failed_invoices'), days: z.number().int().min(1).max(90) }),
    z.strictObject({
      type: z.literal('digest'),
      event: z
        .string()
        .max(100)
        .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be a dotted lower-case name')
        .optional(),
    }),
  ])
  .openapi('AutomationAction');

const fields = {
  name: z.string().trim().min(1).max(100),
  schedule: z.string().max(200).openapi({
    example: 'cron(0 7 * * 1-5)',
    description: 'cron(<5 fields>), EventBridge 6-field cron, or rate(<n> minutes|hours|days)',
  }),
  timezone: z.string().max(64).openapi({ example: 'Europe/Berlin' }),
  action: actionSchema,
  enabled: z.boolean(),
};

const createBody = z.strictObject({
  ...fields,
  timezone: fields.timezone.default('UTC'),
  enabled: fields.enabled.default(true),
});
const patchBody = z.strictObject(fields).partial();

const automationSchema = z
  .object({
    automation_id: z.string(),
    tenant_user_id: z.string(),
    name: z.string(),
    schedule: z.string(),
    timezone: z.string(),
    action: actionSchema,
    enabled: z.boolean(),
    next_run_at: z.string().optional(),
    last_run_at: z.string().optional(),
    last_result: z
      .object({
        status: z.enum(['ok', 'error']),
        summary: z.record(z.string(), z.unknown()).optional(),
        error: z.string().optional(),
        job_id: z.string().optional(),
      })
      .optional(),
    revision: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Automation');
type AutomationView = z.infer<typeof automationSchema>;

function present(a: AutomationRecord): AutomationView {
  return {
    automation_id: a.automationId,
    tenant_user_id: a.tenantUserId,
    name: a.name,
    schedule: a.schedule,
    timezone: a.timezone,
    action: a.action,
    enabled: a.enabled,
    ...(a.nextRunAt ? { next_run_at: a.nextRunAt } : {}),
    ...(a.lastRunAt ? { last_run_at: a.lastRunAt } : {}),
    ...(a.lastResult
      ? {
          last_result: {
            status: a.lastResult.status,
            ...(a.lastResult.summary ? { summary: a.lastResult.summary } : {}),
            ...(a.lastResult.error ? { error: a.lastResult.error } : {}),
            ...(a.lastResult.jobId ? { job_id: a.lastResult.jobId } : {}),
          },
        }
      : {}),
    revision: a.revision,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

const json = <S extends z.ZodType>(schema: S, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const idParams = idParam('automation_id');
const tags = ['automations'];

const listRoute = createRoute({
  method: 'get',
  path: '/api/automations',
  tags,
  summary: "The caller's automations (an admin sees the whole tenant's)",
  security: bearer,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).optional(),
      cursor: z.string().max(2048).optional(),
    }),
  },
  responses: {
    200: json(z.object({ automations: z.array(automationSchema), cursor: z.string().optional() }), 'A page'),
    400: jsonError('Malformed query'),
    ...authErrors,
  },
});

const createRouteDef = createRoute({
  method: 'post',
  path: '/api/automations',
  tags,
  summary: 'Schedule an automation',
  security: bearer,
  request: { body: { content: { 'application/json': { schema: createBody } }, required: true } },
  responses: {
    201: json(automationSchema, 'Created'),
    400: jsonError('Invalid automation, schedule or time zone'),
    ...authErrors,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/automations/{automation_id}',
  tags,
  summary: 'One automation',
  security: bearer,
  request: { params: idParams },
  responses: {
    200: json(automationSchema, 'The automation'),
    404: jsonError('No such automation'),
    ...authErrors,
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/api/automations/{automation_id}',
  tags,
  summary: 'Change an automation',
  security: bearer,
  request: {
    params: idParams,
    body: { content: { 'application/json': { schema: patchBody } }, required: true },
  },
  responses: {
    200: json(automationSchema, 'Changed'),
    400: jsonError('Invalid change'),
    404: jsonError('No such automation'),
    409: jsonError('Changed concurrently; read it again'),
    ...authErrors,
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/automations/{automation_id}',
  tags,
  summary: 'Delete an automation',
  security: bearer,
  request: { params: idParams },
  responses: { 204: { description: 'Deleted' }, 404: jsonError('No such automation'), ...authErrors },
});

const runRoute = createRoute({
  method: 'post',
  path: '/api/automations/{automation_id}/run',
  tags,
  summary: 'Run an automation now',
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: { params: idParams },
  responses: {
    202: json(jobSchema, 'Queued'),
    404: jsonError('No such automation'),
    409: jsonError('The automation is disabled'),
    ...authErrors,
  },
});

/** Validates the schedule and zone (400 on failure) and returns the canonical zone. */
function checkSchedule(schedule: string, timezone: string): string {
  parseSchedule(schedule);
  return canonicalTimeZone(timezone);
}

/**
 * Automation routes, scoped to the tenant and the calling user (`sub`): another
 * user's automation is a 404. An admin sees and manages all of the tenant's.
 */
export function automationRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  async function load(principal: Principal, automationId: string): Promise<AutomationRecord> {
    const automation = await deps.store.automations.get({ tenantId: principal.tenantId, automationId });
    if (!automation || (principal.role !== 'admin' && automation.tenantUserId !== principal.userId)) {
      throw new HttpError(404, 'not_found', `automation ${automationId} not found`);
    }
    return automation;
  }

  app.openapi(listRoute, async (c) => {
    const principal = c.get('principal');
    const { limit, cursor } = c.req.valid('query');
    const page = await deps.store.automations.list(principal.tenantId, {
      ...(principal.role === 'admin' ? {} : { tenantUserId: principal.userId }),
      ...(limit ? { limit } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return c.json(
      { automations: page.items.map(present), ...(page.cursor ? { cursor: page.cursor } : {}) },
      200,
    );
  });

  app.openapi(createRouteDef, async (c) => {
    const principal = c.get('principal');
    const body = c.req.valid('json');
    const timezone = checkSchedule(body.schedule, body.timezone);
    const now = deps.clock.now();
    const settings = { ...body, timezone };
    const nextRunAt = planNextRun({ ...settings, createdAt: now }, now);
    const { automation } = await deps.store.automations.create({
      ...settings,
      tenantId: principal.tenantId,
      tenantUserId: principal.userId,
      automationId: newId('aut', now.getTime()),
      ...(nextRunAt ? { nextRunAt } : {}),
      now,
    });
    return c.json(present(automation), 201);
  });

  app.openapi(getRoute, async (c) => {
    const automation = await load(c.get('principal'), c.req.valid('param').automation_id);
    return c.json(present(automation), 200);
  });

  app.openapi(patchRoute, async (c) => {
    const principal = c.get('principal');
    const current = await load(principal, c.req.valid('param').automation_id);
    const patch = c.req.valid('json');
    const merged = {
      name: patch.name ?? current.name,
      schedule: patch.schedule ?? current.schedule,
      timezone: patch.timezone ?? current.timezone,
      action: patch.action ?? current.action,
      enabled: patch.enabled ?? current.enabled,
    };
    merged.timezone = checkSchedule(merged.schedule, merged.timezone);
    const now = deps.clock.now();
    const replanned =
      merged.schedule !== current.schedule ||
      merged.timezone !== current.timezone ||
      merged.enabled !== current.enabled;
    const nextRunAt = replanned
      ? planNextRun({ ...merged, createdAt: current.createdAt }, now)
      : current.nextRunAt
        ? new Date(current.nextRunAt)
        : undefined;
    const updated = await deps.store.automations.update({
      tenantId: current.tenantId,
      automationId: current.automationId,
      ...merged,
      ...(nextRunAt ? { nextRunAt } : {}),
      expectRevision: current.revision,
      now,
    });
    if (!updated)
      throw new HttpError(409, 'conflict', 'the automation changed meanwhile; read it and try again');
    return c.json(present(updated), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const current = await load(c.get('principal'), c.req.valid('param').automation_id);
    await deps.store.automations.delete(current);
    return c.body(null, 204);
  });

  app.use('/api/automations/:automation_id/run', limitPerTenant(deps.rateLimiter), idempotent(deps));
  app.openapi(runRoute, async (c) => {
    const current = await load(c.get('principal'), c.req.valid('param').automation_id);
    if (!current.enabled) throw new HttpError(409, 'automation_disabled', 'enable the automation to run it');
    const scheduledAt = deps.clock.now().toISOString();
    const { job } = await deps.dispatcher.enqueue(
      'automation',
      {
        tenantId: current.tenantId,
        tenantUserId: current.tenantUserId,
        automationId: current.automationId,
        scheduledAt,
      },
      { dedupeKey: automationRunKey(current.automationId, scheduledAt), priority: 'high' },
    );
    return c.json(presentJob(job), 202);
  });

  return app;
}
