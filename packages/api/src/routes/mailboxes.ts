import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { newId } from '@paperlane/core';
import {
  MAIL_HOST_PATTERN,
  MAX_LISTED_SYNC_RUNS,
  type MailboxRecord,
  mailboxSecretContext,
  type SyncRunRecord,
} from '@paperlane/store';
import type { Principal } from '../auth/principal';
import type { ApiDeps, MailboxApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { idempotencyKeyParameter, idempotent } from '../middleware/idempotency';
import { limitPerTenant } from '../middleware/rate-limit';
import { jobSchema, presentJob } from '../presenters';
import { authErrors, bearer, idParam, jsonError } from './common';

// Built from zod-openapi's own `z` (see common.ts); the store re-validates with its schemas.
const folder = z
  .string()
  .min(1)
  .max(200)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f*%]+$/, 'must be printable, without * or %');
const fields = {
  name: z.string().trim().min(1).max(100),
  host: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(253)
    .regex(MAIL_HOST_PATTERN, 'not a hostname')
    .openapi({ example: 'imap.example.com' }),
  port: z.number().int().min(1).max(65_535).openapi({ example: 993 }),
  tls: z.enum(['tls', 'starttls', 'none']).openapi({
    description:
      '`tls` (implicit, port 993) or `starttls` (mandatory upgrade); `none` only to loopback in development',
  }),
  user: z.string().min(1).max(320),
  password: z.string().min(1).max(1024).openapi({ description: 'Write-only: never returned' }),
  folder,
  sender_filter: z
    .array(z.string().trim().toLowerCase().min(3).max(320))
    .max(50)
    .openapi({ description: 'Addresses (`a@b.c`) or domains (`@b.c`); empty: any sender' }),
  subject_filter: z
    .string()
    .max(200)
    .openapi({ description: 'Subject must contain this (case-insensitive)' }),
  after_processing: z
    .union([
      z.literal('mark_seen'),
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      z.string().regex(/^move:[^\u0000-\u001f\u007f*%]{1,200}$/, 'mark_seen or move:<folder>'),
    ])
    .openapi({ example: 'move:Paperlane' }),
  enabled: z.boolean(),
};

const createBody = z.strictObject({
  ...fields,
  name: fields.name.default('Mailbox'),
  port: fields.port.default(993),
  tls: fields.tls.default('tls'),
  folder: fields.folder.default('INBOX'),
  sender_filter: fields.sender_filter.default([]),
  subject_filter: fields.subject_filter.optional(),
  after_processing: fields.after_processing.default('mark_seen'),
  enabled: fields.enabled.default(true),
});
const patchBody = z.strictObject({ ...fields, subject_filter: fields.subject_filter.nullable() }).partial();

const errorView = z.object({ code: z.string(), message: z.string() });
const mailboxSchema = z
  .object({
    mailbox_id: z.string(),
    tenant_user_id: z.string(),
    name: z.string(),
    host: z.string(),
    port: z.number().int(),
    tls: z.enum(['tls', 'starttls', 'none']),
    user: z.string(),
    folder: z.string(),
    sender_filter: z.array(z.string()),
    subject_filter: z.string().optional(),
    after_processing: z.string(),
    enabled: z.boolean(),
    last_uid: z.number().int().optional(),
    last_sync_at: z.string().optional(),
    last_error: errorView.extend({ at: z.string() }).optional(),
    revision: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Mailbox');
type MailboxView = z.infer<typeof mailboxSchema>;

const syncRunSchema = z
  .object({
    run_id: z.string(),
    job_id: z.string().optional(),
    status: z.enum(['ok', 'error']),
    started_at: z.string(),
    finished_at: z.string(),
    fetched: z.number().int(),
    imported: z.number().int(),
    skipped: z.number().int(),
    errors: z.number().int(),
    skips: z.array(
      z.object({
        uid: z.number().int(),
        message_id: z.string().optional(),
        reason: z.string(),
        detail: z.string().optional(),
      }),
    ),
    error: errorView.optional(),
  })
  .openapi('MailboxSyncRun');

/** The only translation of a mailbox to JSON: the sealed password never leaves. */
function present(m: MailboxRecord): MailboxView {
  return {
    mailbox_id: m.mailboxId,
    tenant_user_id: m.tenantUserId,
    name: m.name,
    host: m.host,
    port: m.port,
    tls: m.tls,
    user: m.user,
    folder: m.folder,
    sender_filter: m.senderFilter,
    ...(m.subjectFilter ? { subject_filter: m.subjectFilter } : {}),
    after_processing: m.afterProcessing,
    enabled: m.enabled,
    ...(m.lastUid !== undefined ? { last_uid: m.lastUid } : {}),
    ...(m.lastSyncAt ? { last_sync_at: m.lastSyncAt } : {}),
    ...(m.lastError ? { last_error: m.lastError } : {}),
    revision: m.revision,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

function presentRun(r: SyncRunRecord) {
  return {
    run_id: r.runId,
    ...(r.jobId ? { job_id: r.jobId } : {}),
    status: r.status,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    fetched: r.fetched,
    imported: r.imported,
    skipped: r.skipped,
    errors: r.errors,
    skips: r.skips.map((s) => ({
      uid: s.uid,
      ...(s.messageId ? { message_id: s.messageId } : {}),
      reason: s.reason,
      ...(s.detail ? { detail: s.detail } : {}),
    })),
    ...(r.error ? { error: r.error } : {}),
  };
}

const json = <S extends z.ZodType>(schema: S, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const idParams = idParam('mailbox_id');
const tags = ['mailboxes'];

const listRoute = createRoute({
  method: 'get',
  path: '/api/mailboxes',
  tags,
  summary: "The caller's mailboxes (an admin sees the whole tenant's)",
  security: bearer,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).optional(),
      cursor: z.string().max(2048).optional(),
    }),
  },
  responses: {
    200: json(z.object({ mailboxes: z.array(mailboxSchema), cursor: z.string().optional() }), 'A page'),
    400: jsonError('Malformed query'),
    ...authErrors,
  },
});

const createMailboxRoute = createRoute({
  method: 'post',
  path: '/api/mailboxes',
  tags,
  summary: 'Connect an IMAP mailbox',
  security: bearer,
  request: { body: { content: { 'application/json': { schema: createBody } }, required: true } },
  responses: {
    201: json(mailboxSchema, 'Created'),
    400: jsonError('Invalid settings, internal host or insecure connection'),
    503: jsonError('Mailboxes are not configured on this deployment'),
    ...authErrors,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/mailboxes/{mailbox_id}',
  tags,
  summary: 'One mailbox',
  security: bearer,
  request: { params: idParams },
  responses: { 200: json(mailboxSchema, 'The mailbox'), 404: jsonError('No such mailbox'), ...authErrors },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/api/mailboxes/{mailbox_id}',
  tags,
  summary: 'Change a mailbox (a new password, server, account or folder restarts the sync position)',
  security: bearer,
  request: {
    params: idParams,
    body: { content: { 'application/json': { schema: patchBody } }, required: true },
  },
  responses: {
    200: json(mailboxSchema, 'Changed'),
    400: jsonError('Invalid change'),
    404: jsonError('No such mailbox'),
    409: jsonError('Changed concurrently; read it again'),
    503: jsonError('Mailboxes are not configured on this deployment'),
    ...authErrors,
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/mailboxes/{mailbox_id}',
  tags,
  summary: 'Disconnect a mailbox (its sync history goes with it; imported documents stay)',
  security: bearer,
  request: { params: idParams },
  responses: { 204: { description: 'Deleted' }, 404: jsonError('No such mailbox'), ...authErrors },
});

const syncRoute = createRoute({
  method: 'post',
  path: '/api/mailboxes/{mailbox_id}/sync',
  tags,
  summary: 'Sync a mailbox now',
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: { params: idParams },
  responses: {
    202: json(jobSchema, 'Queued'),
    404: jsonError('No such mailbox'),
    409: jsonError('The mailbox is disabled'),
    ...authErrors,
  },
});

const syncsRoute = createRoute({
  method: 'get',
  path: '/api/mailboxes/{mailbox_id}/syncs',
  tags,
  summary: 'Sync history, newest first',
  security: bearer,
  request: {
    params: idParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(MAX_LISTED_SYNC_RUNS).optional() }),
  },
  responses: {
    200: json(z.object({ syncs: z.array(syncRunSchema) }), 'The runs'),
    404: jsonError('No such mailbox'),
    ...authErrors,
  },
});

function configured(deps: ApiDeps): MailboxApiDeps {
  if (!deps.mailboxes) {
    throw new HttpError(503, 'mailboxes_unavailable', 'mailboxes are not configured on this deployment');
  }
  return deps.mailboxes;
}

/**
 * Mailbox routes, scoped to the tenant and the calling user: another user's or
 * tenant's mailbox is a 404; an admin manages all of the tenant's. The password is
 * write-only (sealed with the SecretCipher before it reaches the store).
 */
export function mailboxRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  async function load(principal: Principal, mailboxId: string): Promise<MailboxRecord> {
    const mailbox = await deps.store.mailboxes.get({ tenantId: principal.tenantId, mailboxId });
    if (!mailbox || (principal.role !== 'admin' && mailbox.tenantUserId !== principal.userId)) {
      throw new HttpError(404, 'not_found', `mailbox ${mailboxId} not found`);
    }
    return mailbox;
  }

  app.openapi(listRoute, async (c) => {
    const principal = c.get('principal');
    const { limit, cursor } = c.req.valid('query');
    const page = await deps.store.mailboxes.list(principal.tenantId, {
      ...(principal.role === 'admin' ? {} : { tenantUserId: principal.userId }),
      ...(limit ? { limit } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return c.json(
      { mailboxes: page.items.map(present), ...(page.cursor ? { cursor: page.cursor } : {}) },
      200,
    );
  });

  app.openapi(createMailboxRoute, async (c) => {
    const { secrets, checkEndpoint } = configured(deps);
    const principal = c.get('principal');
    const body = c.req.valid('json');
    checkEndpoint({ host: body.host, tls: body.tls });
    const now = deps.clock.now();
    const mailboxId = newId('mbx', now.getTime());
    const { mailbox } = await deps.store.mailboxes.create({
      tenantId: principal.tenantId,
      tenantUserId: principal.userId,
      mailboxId,
      name: body.name,
      host: body.host,
      port: body.port,
      tls: body.tls,
      user: body.user,
      passwordCiphertext: await secrets.encrypt(
        body.password,
        mailboxSecretContext(principal.tenantId, mailboxId),
      ),
      folder: body.folder,
      senderFilter: body.sender_filter,
      ...(body.subject_filter ? { subjectFilter: body.subject_filter } : {}),
      afterProcessing: body.after_processing as MailboxRecord['afterProcessing'],
      enabled: body.enabled,
      now,
    });
    return c.json(present(mailbox), 201);
  });

  app.openapi(getRoute, async (c) => {
    return c.json(present(await load(c.get('principal'), c.req.valid('param').mailbox_id)), 200);
  });

  app.openapi(patchRoute, async (c) => {
    const { secrets, checkEndpoint } = configured(deps);
    const current = await load(c.get('principal'), c.req.valid('param').mailbox_id);
    const patch = c.req.valid('json');
    const host = patch.host ?? current.host;
    const tls = patch.tls ?? current.tls;
    checkEndpoint({ host, tls });
    const moved =
      host !== current.host ||
      (patch.port ?? current.port) !== current.port ||
      (patch.user ?? current.user) !== current.user ||
      (patch.folder ?? current.folder) !== current.folder;
    const updated = await deps.store.mailboxes.update({
      tenantId: current.tenantId,
      mailboxId: current.mailboxId,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.host !== undefined ? { host: patch.host } : {}),
      ...(patch.port !== undefined ? { port: patch.port } : {}),
      ...(patch.tls !== undefined ? { tls: patch.tls } : {}),
      ...(patch.user !== undefined ? { user: patch.user } : {}),
      ...(patch.folder !== undefined ? { folder: patch.folder } : {}),
      ...(patch.sender_filter !== undefined ? { senderFilter: patch.sender_filter } : {}),
      ...(patch.subject_filter !== undefined ? { subjectFilter: patch.subject_filter } : {}),
      ...(patch.after_processing !== undefined
        ? { afterProcessing: patch.after_processing as MailboxRecord['afterProcessing'] }
        : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.password !== undefined
        ? {
            passwordCiphertext: await secrets.encrypt(
              patch.password,
              mailboxSecretContext(current.tenantId, current.mailboxId),
            ),
          }
        : {}),
      expectRevision: current.revision,
      resetCursor: moved,
      now: deps.clock.now(),
    });
    if (!updated)
      throw new HttpError(409, 'conflict', 'the mailbox changed meanwhile; read it and try again');
    return c.json(present(updated), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const current = await load(c.get('principal'), c.req.valid('param').mailbox_id);
    await deps.store.mailboxes.delete(current);
    return c.body(null, 204);
  });

  app.use('/api/mailboxes/:mailbox_id/sync', limitPerTenant(deps.rateLimiter), idempotent(deps));
  app.openapi(syncRoute, async (c) => {
    const current = await load(c.get('principal'), c.req.valid('param').mailbox_id);
    if (!current.enabled) throw new HttpError(409, 'mailbox_disabled', 'enable the mailbox to sync it');
    const { job } = await deps.dispatcher.enqueue(
      'email-sync',
      { tenantId: current.tenantId, mailboxId: current.mailboxId },
      { priority: 'high' },
    );
    return c.json(presentJob(job), 202);
  });

  app.openapi(syncsRoute, async (c) => {
    const current = await load(c.get('principal'), c.req.valid('param').mailbox_id);
    const { limit } = c.req.valid('query');
    const runs = await deps.store.mailboxes.listRuns(current, limit ? { limit } : {});
    return c.json({ syncs: runs.map(presentRun) }, 200);
  });

  return app;
}
