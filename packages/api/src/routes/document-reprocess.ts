import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { idempotencyKeyParameter, idempotent } from '../middleware/idempotency';
import { limitPerTenant } from '../middleware/rate-limit';
import { withinBudget } from '../middleware/tenant-budget';
import { jobSchema, presentJob } from '../presenters';
import { authErrors, bearer, idParam, jsonError } from './common';
import { jobTimingFields, toJobTiming } from './job-timing';

/** A document has one invoice today (email attachments and uploads alike); a few is plenty. */
const MAX_INVOICES = 20;

const reprocessBody = z.strictObject(jobTimingFields);

const reprocessRoute = createRoute({
  method: 'post',
  path: '/api/documents/{document_id}/reprocess',
  tags: ['documents'],
  summary: 'OCR and extract a document again',
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: {
    params: idParam('document_id'),
    body: { required: false, content: { 'application/json': { schema: reprocessBody } } },
  },
  responses: {
    202: {
      content: {
        'application/json': {
          schema: z.object({ document_id: z.string(), jobs: z.array(jobSchema) }),
        },
      },
      description: 'Queued',
    },
    400: jsonError('Invalid timing'),
    404: jsonError('No such document for this tenant'),
    409: jsonError('Still being processed'),
    ...authErrors,
  },
});

/**
 * `POST /api/documents/{document_id}/reprocess`: a new `invoice-processing` job per
 * invoice of the document, with `reprocess` in its payload so a processed invoice is
 * read again rather than skipped. Refused (409 `document_busy`) while an invoice is
 * still pending or processing: two readers of one invoice would race their writes.
 * The summary is not redone (its job is keyed per document).
 */
export function documentReprocessRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();
  app.use(
    '/api/documents/:document_id/reprocess',
    limitPerTenant(deps.rateLimiter),
    withinBudget(deps),
    idempotent(deps),
  );
  return app.openapi(reprocessRoute, async (c) => {
    const { document_id } = c.req.valid('param');
    const schedule = toJobTiming(c.req.valid('json') ?? {}, deps.clock.now());
    const { tenantId } = c.get('principal');
    const document = await deps.store.documents.get({ tenantId, documentId: document_id });
    if (!document) throw new HttpError(404, 'not_found', `document ${document_id} not found`);
    const { items: invoices } = await deps.store.invoices.listByDocument(tenantId, document_id, {
      limit: MAX_INVOICES,
    });
    if (invoices.some((invoice) => invoice.status === 'pending' || invoice.status === 'processing')) {
      throw new HttpError(409, 'document_busy', 'document still processing');
    }
    const jobs = await deps.dispatcher.enqueueMany(
      invoices.map((invoice) => ({
        queue: 'invoice-processing' as const,
        payload: { tenantId, invoiceId: invoice.invoiceId, reprocess: true as const },
        documentId: document_id,
        ...schedule,
      })),
    );
    return c.json({ document_id, jobs: jobs.map((j) => presentJob(j.job)) }, 202);
  });
}
