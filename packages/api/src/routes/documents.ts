import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { JobRecord } from '@paperlane/core';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import {
  documentSchema,
  invoiceSchema,
  jobSchema,
  presentDocument,
  presentInvoice,
  presentJob,
  presentSession,
  sessionSchema,
} from '../presenters';
import { authErrors, bearer, idParam, jsonError } from './common';

const MAX_LISTED = 1000;

const getDocument = createRoute({
  method: 'get',
  path: '/api/documents/{document_id}',
  tags: ['documents'],
  summary: 'A document with its invoices',
  security: bearer,
  request: { params: idParam('document_id') },
  responses: {
    200: {
      content: {
        'application/json': { schema: documentSchema.extend({ invoices: z.array(invoiceSchema) }) },
      },
      description: 'The document',
    },
    404: jsonError('No such document for this tenant'),
    ...authErrors,
  },
});

const documentStatus = createRoute({
  method: 'get',
  path: '/api/documents/{document_id}/status',
  tags: ['documents'],
  summary: "A document's processing state and its jobs",
  security: bearer,
  request: { params: idParam('document_id') },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z.object({ document_id: z.string(), status: z.string(), jobs: z.array(jobSchema) }),
        },
      },
      description: 'Status and jobs',
    },
    404: jsonError('No such document for this tenant'),
    ...authErrors,
  },
});

const getSession = createRoute({
  method: 'get',
  path: '/api/upload-sessions/{session_id}',
  tags: ['uploads'],
  summary: "An upload session's progress: counts by status and every job",
  security: bearer,
  request: { params: idParam('session_id') },
  responses: {
    200: { content: { 'application/json': { schema: sessionSchema } }, description: 'The session' },
    404: jsonError('No such session for this tenant'),
    ...authErrors,
  },
});

/** Reads every page of a listing, up to a bound (sessions and documents have few jobs). */
async function all<T>(list: (cursor?: string) => Promise<{ items: T[]; cursor?: string }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor && out.length < MAX_LISTED);
  return out;
}

export function documentRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  return app
    .openapi(getDocument, async (c) => {
      const { document_id } = c.req.valid('param');
      const tenantId = c.get('principal').tenantId;
      const document = await deps.store.documents.get({ tenantId, documentId: document_id });
      if (!document) throw new HttpError(404, 'not_found', `document ${document_id} not found`);
      const invoices = await all((cursor) =>
        deps.store.invoices.listByDocument(tenantId, document_id, { limit: 200, cursor }),
      );
      return c.json({ ...presentDocument(document), invoices: invoices.map(presentInvoice) }, 200);
    })

    .openapi(documentStatus, async (c) => {
      const { document_id } = c.req.valid('param');
      const tenantId = c.get('principal').tenantId;
      const document = await deps.store.documents.get({ tenantId, documentId: document_id });
      if (!document) throw new HttpError(404, 'not_found', `document ${document_id} not found`);
      const jobs: JobRecord[] = await all((cursor) =>
        deps.store.jobs.listByDocument(tenantId, document_id, { limit: 200, cursor }),
      );
      return c.json({ document_id, status: document.status, jobs: jobs.map(presentJob) }, 200);
    })

    .openapi(getSession, async (c) => {
      const { session_id } = c.req.valid('param');
      const tenantId = c.get('principal').tenantId;
      const session = await deps.store.sessions.get({ tenantId, sessionId: session_id });
      if (!session) throw new HttpError(404, 'not_found', `upload session ${session_id} not found`);
      const jobs = await all((cursor) =>
        deps.store.jobs.listBySession(tenantId, session_id, { limit: 200, cursor }),
      );
      return c.json(presentSession(session, jobs), 200);
    });
}
