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

const id = (example: string) =>
  z.string().regex(ID_PATTERN, 'must be 1-128 characters of letters, digits, _ - . :').openapi({ example });

/** ISO 8601: a date (`2030-01-31`) or an instant with offset. The store parses and checks it. */
const when = (description: string) =>
  z.string().max(40).openapi({ description, example: '2030-01-31T00:00:00Z' });

const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIST_MAX_LIMIT)
    .default(LIST_DEFAULT_LIMIT)
    .openapi({ description: `Page size, 1-${LIST_MAX_LIMIT}`, example: LIST_DEFAULT_LIMIT }),
  cursor: z
    .string()
    .max(16_384)
    .optional()
    .openapi({ description: 'The `next_cursor` of the previous page, with the same filters' }),
};

const listOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z.string().nullable().openapi({ description: 'null on the last page' }),
    })
    .openapi(name);

export const sessionSummarySchema = z
  .object({
    session_id: z.string(),
    status: z.string(),
    document_ids: z.array(z.string()),
    job_ids: z.array(z.string()),
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
    ...(session.createdBy ? { created_by: session.createdBy } : {}),
    created_at: session.createdAt,
    updated_at: session.updatedAt,
    ...(session.expiresAt ? { expires_at: session.expiresAt } : {}),
  };
}

const listErrors = {
  400: jsonError('Malformed filter, limit or cursor (`invalid_cursor` for a cursor of another query)'),
  ...authErrors,
} as const;

const listJobs = createRoute({
  method: 'get',
  path: '/api/jobs',
  tags: ['jobs'],
  summary: "The tenant's jobs, newest first, filtered",
  description:
    'Without `session_id` or `document_id` the order is by last change (`updated_at`); with either, by creation. ' +
    'A page may hold fewer than `limit` items while `next_cursor` is set: each page reads a bounded number of index pages.',
  security: bearer,
  request: {
    query: z.strictObject({
      status: z.enum(JOB_STATUSES).optional(),
      queue: z.enum(QUEUE_NAMES).optional(),
      session_id: id('ses_01JD3Y8K6V').optional(),
      document_id: id('doc_01JD3Y8K6V').optional(),
      error_code: z.string().max(128).optional().openapi({ example: 'unsupported_file_type' }),
      created_after: when('Created at or after').optional(),
      created_before: when('Created before').optional(),
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
      vendor: z
        .string()
        .max(300)
        .optional()
        .openapi({ description: 'Part of the extracted vendor name, any case' }),
      invoice_number: z
        .string()
        .max(128)
        .optional()
        .openapi({ description: 'The extracted invoice number, any case' }),
      date_from: when('Uploaded on or after (a date: from its start, UTC)').optional(),
      date_to: when('Uploaded on or before (a date: through its end, UTC)').optional(),
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
      description: 'One page; GET /api/upload-sessions/{session_id} has the per-job progress',
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
  return new OpenAPIHono<ApiEnv>()
    .openapi(listJobs, async (c) => {
      const q = c.req.valid('query');
      const page = await deps.store.lists.jobs({
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
      const page = await deps.store.lists.documents({
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
      const page = await deps.store.lists.sessions({
        tenantId: c.get('principal').tenantId,
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return c.json(present(page, presentSessionSummary), 200);
    });
}
