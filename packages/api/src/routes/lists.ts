import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ID_PATTERN, JOB_STATUSES, QUEUE_NAMES } from '@paperlane/core';
import {
  DOCUMENT_STATUSES,
  LIST_DEFAULT_LIMIT,
  LIST_MAX_LIMIT,
  type UploadSessionRecord,
} from '@paperlane/store';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { documentSchema, jobSchema, presentDocument, presentJob } from '../presenters';
import { authErrors, bearer, jsonError } from './common';
import { lazyListStore } from './lazy-list-store';

const id = () => z.string().regex(ID_PATTERN);

/** ISO 8601: a date (`2030-01-31`) or an instant with offset. The store parses and checks it. */
const when = () => z.string().max(40);

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(LIST_MAX_LIMIT).default(LIST_DEFAULT_LIMIT),
  cursor: z.string().max(16_384).optional().openapi({ description: 'The previous `next_cursor`' }),
};

const listOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z.string().nullable(),
    })
    .openapi(name);

export const sessionSummarySchema = z
  .object({
    session_id: z.string(),
    status: z.string(),
    document_ids: z.array(z.string()),
    job_ids: z.array(z.string()),
    expected_jobs: z.number().int(),
    /** Set once every job settled, with how they ended. */
    completed_at: z.string().optional(),
    counts: z.object({ complete: z.number(), failed: z.number(), cancelled: z.number() }).optional(),
    created_by: z.string().optional(),
    created_at: z.string(),
    updated_at: z.string(),
    expires_at: z.string().optional(),
  })
  .openapi('UploadSessionSummary');

function presentSessionSummary(session: UploadSessionRecord): z.infer<typeof sessionSummarySchema> {
  return {
    session_id: session.sessionId,
    status: session.status,
    document_ids: session.documentIds,
    job_ids: session.jobIds,
    expected_jobs: session.expectedJobs ?? session.jobIds.length,
    ...(session.completedAt ? { completed_at: session.completedAt } : {}),
    ...(session.counts ? { counts: session.counts } : {}),
    ...(session.createdBy ? { created_by: session.createdBy } : {}),
    created_at: session.createdAt,
    updated_at: session.updatedAt,
    ...(session.expiresAt ? { expires_at: session.expiresAt } : {}),
  };
}

const listErrors = {
  400: jsonError('Malformed filter, limit or cursor (`invalid_cursor`)'),
  ...authErrors,
} as const;

const listJobs = createRoute({
  method: 'get',
  path: '/api/jobs',
  tags: ['jobs'],
  summary: "The tenant's jobs, newest first, filtered",
  description:
    'By last change; by creation with `session_id`/`document_id`. A page may be short while `next_cursor` is set.',
  security: bearer,
  request: {
    query: z.strictObject({
      status: z.enum(JOB_STATUSES).optional(),
      queue: z.enum(QUEUE_NAMES).optional(),
      session_id: id().optional(),
      document_id: id().optional(),
      error_code: z.string().max(128).optional(),
      created_after: when().optional(),
      created_before: when().optional(),
      ...pageQuery,
    }),
  },
  responses: {
    200: {
      content: { 'application/json': { schema: listOf(jobSchema, 'JobList') } },
      description: 'One page',
    },
    ...listErrors,
  },
});

const listDocuments = createRoute({
  method: 'get',
  path: '/api/documents',
  tags: ['documents'],
  summary: "The tenant's documents, newest upload first, filtered",
  security: bearer,
  request: {
    query: z.strictObject({
      status: z.enum(DOCUMENT_STATUSES).optional(),
      vendor: z.string().max(300).optional(),
      invoice_number: z.string().max(128).optional(),
      date_from: when().optional(),
      date_to: when().optional(),
      ...pageQuery,
    }),
  },
  responses: {
    200: {
      content: { 'application/json': { schema: listOf(documentSchema, 'DocumentList') } },
      description: 'One page',
    },
    ...listErrors,
  },
});

const listSessions = createRoute({
  method: 'get',
  path: '/api/upload-sessions',
  tags: ['documents'],
  summary: "The tenant's upload sessions, newest first",
  security: bearer,
  request: { query: z.strictObject(pageQuery) },
  responses: {
    200: {
      content: { 'application/json': { schema: listOf(sessionSummarySchema, 'UploadSessionList') } },
      description: 'One page',
    },
    ...listErrors,
  },
});

const present = <R, V>(page: { items: R[]; cursor?: string }, view: (item: R) => V) => ({
  items: page.items.map(view),
  next_cursor: page.cursor ?? null,
});

/**
 * Cursor-paged lists of the caller's tenant: jobs, documents, upload sessions. Filters
 * are checked by the store (400 with a code), cursors are bound to tenant and filters.
 *
 * @example app.route("/", tenantListRoutes(deps))
 */
export function tenantListRoutes(deps: Pick<ApiDeps, 'store'>) {
  const lists = lazyListStore(deps);
  return new OpenAPIHono<ApiEnv>()
    .openapi(listJobs, async (c) => {
      const q = c.req.valid('query');
      const page = await lists().jobs({
        tenantId: c.get('principal').tenantId,
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.queue ? { queue: q.queue } : {}),
        ...(q.session_id ? { sessionId: q.session_id } : {}),
        ...(q.document_id ? { documentId: q.document_id } : {}),
        ...(q.error_code ? { errorCode: q.error_code } : {}),
        ...(q.created_after ? { createdAfter: q.created_after } : {}),
        ...(q.created_before ? { createdBefore: q.created_before } : {}),
      });
      return c.json(present(page, presentJob), 200);
    })
    .openapi(listDocuments, async (c) => {
      const q = c.req.valid('query');
      const page = await lists().documents({
        tenantId: c.get('principal').tenantId,
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.vendor ? { vendor: q.vendor } : {}),
        ...(q.invoice_number ? { invoiceNumber: q.invoice_number } : {}),
        ...(q.date_from ? { dateFrom: q.date_from } : {}),
        ...(q.date_to ? { dateTo: q.date_to } : {}),
      });
      return c.json(present(page, presentDocument), 200);
    })
    .openapi(listSessions, async (c) => {
      const q = c.req.valid('query');
      const page = await lists().sessions({
        tenantId: c.get('principal').tenantId,
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return c.json(present(page, presentSessionSummary), 200);
    });
}
