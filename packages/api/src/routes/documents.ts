import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { blobKeys, type JobRecord } from '@paperlane/core';
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
import { matchesEtag } from './etag';

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

/** A rendered width as the path spells it: digits only, so `1e2` or `0x10` never name a key. */
const widthParam = z.object({
  width: z
    .string()
    .regex(/^[1-9][0-9]{0,4}$/, 'a width in pixels')
    .openapi({ param: { name: 'width', in: 'path' }, example: '300' }),
});

/** Thumbnails never change once rendered (the job skips a document that has them); the ETag guards re-renders. */
const THUMBNAIL_CACHE_CONTROL = 'private, max-age=86400';
/** Far above any WebP the renderer writes at the widths it accepts; a bound, not a budget. */
const MAX_THUMBNAIL_BYTES = 16 * 1024 * 1024;

const getThumbnail = createRoute({
  method: 'get',
  path: '/api/documents/{document_id}/thumbnails/{width}',
  tags: ['documents'],
  summary: "A document's thumbnail at one of the rendered widths (WebP)",
  description:
    "The widths are those listed in the document's `thumbnails.items` (`requested_width`). " +
    'Answers 304 to a matching `If-None-Match`.',
  security: bearer,
  request: { params: idParam('document_id').merge(widthParam) },
  responses: {
    200: {
      content: { 'image/webp': { schema: z.string().openapi({ format: 'binary' }) } },
      description: 'The WebP bytes, with ETag and Cache-Control',
    },
    304: { description: 'Not modified (the ETag matched)' },
    404: jsonError('No such document for this tenant, or no thumbnail at that width'),
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
    })

    .openapi(getThumbnail, async (c) => {
      const { document_id, width: raw } = c.req.valid('param');
      const width = Number(raw);
      const tenantId = c.get('principal').tenantId;
      const document = await deps.store.documents.get({ tenantId, documentId: document_id });
      if (!document) throw new HttpError(404, 'not_found', `document ${document_id} not found`);
      const item = document.thumbnails?.items.find((i) => i.requestedWidth === width);
      if (!item) {
        throw new HttpError(
          404,
          'thumbnail_not_found',
          `document ${document_id} has no thumbnail ${width} wide`,
        );
      }
      const etag = `W/"${document.sha256.slice(0, 16)}-${width}-${item.width}x${item.height}"`;
      const headers = { etag, 'cache-control': THUMBNAIL_CACHE_CONTROL, vary: 'Authorization' };
      if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
      // Built from the caller's tenant, never from the record: no id reaches another tenant's files.
      const key = blobKeys.thumbnail(tenantId, document_id, width);
      const bytes = await deps.blobs.get(key, { maxBytes: MAX_THUMBNAIL_BYTES });
      if (!bytes) {
        throw new HttpError(
          404,
          'thumbnail_not_found',
          `document ${document_id} has no thumbnail ${width} wide`,
        );
      }
      // A copy types the body as ArrayBuffer-backed (what Response takes); thumbnails are small.
      return c.body(new Uint8Array(bytes), 200, {
        ...headers,
        'content-type': 'image/webp',
        'x-content-type-options': 'nosniff',
      });
    });
}
