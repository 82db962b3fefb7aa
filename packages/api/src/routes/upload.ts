import { OpenAPIHono, z } from '@hono/zod-openapi';
import { idSchema } from '@paperlane/core';
import { type IngestDeps, ingestDocuments } from '@paperlane/jobs';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { idempotencyKeyParameter, idempotent } from '../middleware/idempotency';
import { limitPerTenant } from '../middleware/rate-limit';
import { withinBudget } from '../middleware/tenant-budget';
import { documentSchema, jobSchema, presentDocument, presentJob } from '../presenters';
import { authErrors, bearer, jsonError } from './common';
import { jobTimingFields, parseFormTiming, toJobTiming } from './job-timing';
import { notifyEmailField, parseFormUploadOptions, reprocessField } from './upload-options';

export const uploadResponseSchema = z
  .object({
    session_id: z.string(),
    expected_jobs: z.number().int(),
    documents: z.array(documentSchema),
    jobs: z.array(jobSchema),
  })
  .openapi('UploadAccepted');
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

/** What the upload routes hand to ingest. */
export function ingestDeps(deps: ApiDeps): IngestDeps {
  const { store, blobs, dispatcher: queue, clock, sniff, limits } = deps;
  return { store, blobs, queue, clock, sniff, limits };
}

/**
 * `POST /api/upload`: multipart, field `files` (repeatable), optional `folder_id`.
 * The body is parsed as it streams in and refused at the first limit it passes; every
 * file is checked (count, size, real type from its bytes) before anything is stored;
 * the response is 202 as soon as records and jobs exist.
 */
export function uploadRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/upload',
    tags: ['uploads'],
    summary: 'Upload documents; starts OCR and thumbnails and answers at once',
    security: bearer,
    parameters: [idempotencyKeyParameter],
    request: {
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({
              files: z.array(z.string().openapi({ format: 'binary' })),
              folder_id: idSchema.optional(),
              ...jobTimingFields,
              ...reprocessField,
              ...notifyEmailField,
            }),
          },
        },
      },
    },
    responses: {
      202: { content: { 'application/json': { schema: uploadResponseSchema } }, description: 'Accepted' },
      400: jsonError('No files, an empty file, an unknown form field, an invalid schedule or option'),
      413: jsonError('Too many files, a file too large, or the body too large'),
      415: jsonError('Not multipart, or a file type that is not supported'),
      ...authErrors,
    },
  });

  return app.post(
    '/api/upload',
    limitPerTenant(deps.rateLimiter),
    withinBudget(deps),
    // The body is hashed as the route streams it in: files are never buffered twice.
    idempotent(deps, { body: 'stream' }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!type.toLowerCase().startsWith('multipart/form-data')) {
        throw new HttpError(
          415,
          'unsupported_media_type',
          'send multipart/form-data with one or more `files` fields',
        );
      }
      // The multipart parser (busboy, ~27 KB) loads on the first upload, not at every cold start.
      const { readMultipartUpload } = await import('./read-multipart-upload');
      const { files, folderId, options } = await readMultipartUpload(c.req.raw, deps.limits);
      const schedule = toJobTiming(parseFormTiming(options), deps.clock.now());
      const { reprocess, notifyEmail } = parseFormUploadOptions(options);
      const principal = c.get('principal');
      const result = await ingestDocuments(ingestDeps(deps), {
        tenantId: principal.tenantId,
        userId: principal.userId,
        files,
        ...(folderId !== undefined ? { folderId } : {}),
        source: 'upload',
        timing: schedule,
        ...(reprocess ? { reprocess } : {}),
        ...(notifyEmail ? { notifyEmail } : {}),
      });
      const body: UploadResponse = {
        session_id: result.session.sessionId,
        expected_jobs: result.session.expectedJobs ?? result.jobs.length,
        documents: result.documents.map(presentDocument),
        jobs: result.jobs.map((j) => presentJob(j.job)),
      };
      return c.json(body, 202);
    },
  );
}
