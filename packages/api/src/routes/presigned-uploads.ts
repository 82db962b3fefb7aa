import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ID_PATTERN, idSchema, newId } from '@paperlane/core';
import { expectedJobsFor, ingestDocuments } from '@paperlane/jobs';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { readBoundedBody } from '../middleware/bounded-body';
import { idempotencyKeyParameter, idempotent } from '../middleware/idempotency';
import { limitPerTenant } from '../middleware/rate-limit';
import { withinBudget } from '../middleware/tenant-budget';
import { presentDocument, presentJob } from '../presenters';
import { authErrors, bearer, idParam, jsonError } from './common';
import { jobTimingFields, toJobTiming } from './job-timing';
import { ingestDeps, type UploadResponse, uploadResponseSchema } from './upload';
import { notifyEmailField, reprocessField } from './upload-options';

/** How long an upload URL and its session stay usable. */
const UPLOAD_WINDOW_SECONDS = 3600;

const fileNameSchema = z.string().min(1).max(255);
const uploadIdSchema = z.string().regex(ID_PATTERN).openapi({ example: 'upl_01JD3Y8K6V' });

const requestUploadsBody = z
  .strictObject({
    files: z.array(z.strictObject({ file_name: fileNameSchema, size_bytes: z.number().int().min(1) })).min(1),
    folder_id: idSchema.optional(),
    ...notifyEmailField,
  })
  .openapi('RequestUploads');

const uploadTargetSchema = z
  .object({
    upload_id: z.string(),
    file_name: z.string(),
    /** `POST` with `fields` first in a multipart form (S3 presigned POST), or `PUT` of the raw bytes. */
    method: z.enum(['POST', 'PUT']),
    url: z.string(),
    fields: z.record(z.string(), z.string()),
    max_bytes: z.number().int(),
    expires_at: z.string(),
  })
  .openapi('UploadTarget');

const uploadsCreatedSchema = z
  .object({
    session_id: z.string(),
    expected_jobs: z.number().int(),
    uploads: z.array(uploadTargetSchema),
  })
  .openapi('UploadsCreated');

const completeBody = z
  .strictObject({
    uploads: z.array(z.strictObject({ upload_id: uploadIdSchema, file_name: fileNameSchema })).min(1),
    ...jobTimingFields,
    ...reprocessField,
  })
  .openapi('CompleteUploads');

const stagingKey = (tenantId: string, sessionId: string, uploadId: string) =>
  `tenants/${tenantId}/uploads/${sessionId}/${uploadId}`;

const requestUploads = createRoute({
  method: 'post',
  path: '/api/uploads',
  tags: ['uploads'],
  summary: 'Ask for upload URLs for large files (direct to S3 on AWS); then upload and complete',
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: {
    body: { required: true, content: { 'application/json': { schema: requestUploadsBody } } },
  },
  responses: {
    201: { content: { 'application/json': { schema: uploadsCreatedSchema } }, description: 'Upload targets' },
    400: jsonError('Invalid body'),
    413: jsonError('Too many files, or a file larger than the limit'),
    ...authErrors,
  },
});

const completeUploads = createRoute({
  method: 'post',
  path: '/api/uploads/{session_id}/complete',
  tags: ['uploads'],
  summary: 'Finish a presigned upload: checks the stored files and starts their jobs',
  security: bearer,
  parameters: [idempotencyKeyParameter],
  request: {
    params: idParam('session_id'),
    body: { required: true, content: { 'application/json': { schema: completeBody } } },
  },
  responses: {
    202: { content: { 'application/json': { schema: uploadResponseSchema } }, description: 'Accepted' },
    404: jsonError('No such upload session for this tenant'),
    409: jsonError('A file was not uploaded (yet), the session is closed'),
    413: jsonError('A stored file is larger than the limit'),
    415: jsonError('A stored file is not a supported type'),
    ...authErrors,
  },
});

/**
 * Presigned uploads, for files too large to pass through the API (API Gateway caps
 * bodies at 10 MB): `POST /api/uploads` → one target per file (an S3 presigned POST
 * with a content-length-range where the blob store can presign, else a `PUT` to this
 * API) → the client uploads → `POST /api/uploads/{session_id}/complete` checks each
 * stored file (size, real type from its bytes) and ingests it like a direct upload.
 * Staged files live under the session's own prefix, so an id can never name another
 * tenant's or session's file.
 */
export function presignedUploadRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();
  const { maxFileBytes, maxFiles } = deps.limits;

  // A plain route (the raw body must not be parsed), documented by hand.
  app.openAPIRegistry.registerPath({
    method: 'put',
    path: '/api/uploads/{session_id}/files/{upload_id}',
    tags: ['uploads'],
    summary:
      "One file's bytes, where the blob store cannot presign (local folder): the target `POST /api/uploads` gave",
    security: bearer,
    request: {
      params: idParam('session_id').extend({
        upload_id: uploadIdSchema.openapi({ param: { name: 'upload_id', in: 'path' } }),
      }),
      body: {
        required: true,
        content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
      },
    },
    responses: {
      204: { description: 'Stored; complete the session to process it' },
      400: jsonError('A malformed id, or an empty file'),
      404: jsonError('No such session for this tenant, or an upload id it did not issue (upload_not_found)'),
      409: jsonError('The session has expired'),
      413: jsonError('The file is larger than its declared size or the limit'),
      ...authErrors,
    },
  });
  // Both enqueue work (complete ingests); the PUT of bytes only stores them.
  app.use('/api/uploads', limitPerTenant(deps.rateLimiter), idempotent(deps));
  app.use(
    '/api/uploads/:session_id/complete',
    limitPerTenant(deps.rateLimiter),
    withinBudget(deps),
    idempotent(deps),
  );
  return app
    .openapi(requestUploads, async (c) => {
      const body = c.req.valid('json');
      if (body.files.length > maxFiles) {
        throw new HttpError(
          413,
          'too_many_files',
          `at most ${maxFiles} files per upload; got ${body.files.length}`,
        );
      }
      const tooLarge = body.files.find((f) => f.size_bytes > maxFileBytes);
      if (tooLarge) {
        throw new HttpError(
          413,
          'file_too_large',
          `${tooLarge.file_name} is larger than ${maxFileBytes} bytes`,
        );
      }
      const principal = c.get('principal');
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + UPLOAD_WINDOW_SECONDS * 1000);
      const slots = body.files.map((file) => ({ file, uploadId: newId('upl', now.getTime()) }));
      // The slots are recorded so the local PUT takes only ids issued here, up to their declared size.
      const { session } = await deps.store.sessions.create({
        tenantId: principal.tenantId,
        sessionId: newId('ses', now.getTime()),
        createdBy: principal.userId,
        expiresAt,
        uploadSlots: Object.fromEntries(slots.map(({ file, uploadId }) => [uploadId, file.size_bytes])),
        expectedJobs: expectedJobsFor(slots.length),
        ...(body.notify_email ? { notifyEmail: body.notify_email } : {}),
        now,
      });
      const uploads = await Promise.all(
        slots.map(async ({ file, uploadId }) => {
          const key = stagingKey(principal.tenantId, session.sessionId, uploadId);
          const common = { upload_id: uploadId, file_name: file.file_name, max_bytes: file.size_bytes };
          if (deps.blobs.presignUpload) {
            const target = await deps.blobs.presignUpload(key, {
              contentType: 'application/octet-stream',
              maxBytes: file.size_bytes,
              expiresSeconds: UPLOAD_WINDOW_SECONDS,
            });
            return {
              ...common,
              method: 'POST' as const,
              url: target.url,
              fields: target.fields,
              expires_at: target.expiresAt,
            };
          }
          // No presigning (files in a local folder): the client PUTs the bytes to this API.
          return {
            ...common,
            method: 'PUT' as const,
            url: `/api/uploads/${session.sessionId}/files/${uploadId}`,
            fields: {},
            expires_at: expiresAt.toISOString(),
          };
        }),
      );
      return c.json(
        {
          session_id: session.sessionId,
          expected_jobs: session.expectedJobs ?? expectedJobsFor(slots.length),
          uploads,
        },
        201,
      );
    })

    .openapi(completeUploads, async (c) => {
      const { session_id } = c.req.valid('param');
      const { uploads, reprocess, ...timing } = c.req.valid('json');
      const schedule = toJobTiming(timing, deps.clock.now());
      const principal = c.get('principal');
      const { tenantId } = principal;
      await openSession(deps, tenantId, session_id);
      if (uploads.length > maxFiles) {
        throw new HttpError(
          413,
          'too_many_files',
          `at most ${maxFiles} files per upload; got ${uploads.length}`,
        );
      }
      const files = await Promise.all(
        uploads.map(async (upload) => {
          const bytes = await deps.blobs.get(stagingKey(tenantId, session_id, upload.upload_id), {
            maxBytes: maxFileBytes,
          });
          return { upload, bytes };
        }),
      );
      const missing = files.filter((f) => !f.bytes).map((f) => f.upload.upload_id);
      if (missing.length > 0) {
        throw new HttpError(409, 'upload_missing', 'some files were not uploaded', missing.slice(0, 20));
      }
      const result = await ingestDocuments(ingestDeps(deps), {
        tenantId,
        userId: principal.userId,
        sessionId: session_id,
        source: 'upload',
        timing: schedule,
        ...(reprocess ? { reprocess } : {}),
        // Stable ids from the upload id: completing twice yields the same documents and jobs.
        files: files.map(({ upload, bytes }) => ({
          fileName: upload.file_name,
          bytes: bytes as Uint8Array,
          sourceRef: `upload:${session_id}:${upload.upload_id}`,
        })),
      });
      await Promise.all(
        uploads.map((u) =>
          deps.blobs.delete(stagingKey(tenantId, session_id, u.upload_id)).catch(() => undefined),
        ),
      );
      const body: UploadResponse = {
        session_id,
        expected_jobs: result.session.expectedJobs ?? result.jobs.length,
        documents: result.documents.map(presentDocument),
        jobs: result.jobs.map((j) => presentJob(j.job)),
      };
      return c.json(body, 202);
    })
    .put('/api/uploads/:session_id/files/:upload_id', async (c) => {
      const sessionId = idSchema.safeParse(c.req.param('session_id'));
      const uploadId = uploadIdSchema.safeParse(c.req.param('upload_id'));
      if (!sessionId.success || !uploadId.success) throw new HttpError(400, 'invalid_request', 'bad id');
      const tenantId = c.get('principal').tenantId;
      const session = await openSession(deps, tenantId, sessionId.data);
      const declared = session.uploadSlots?.[uploadId.data];
      if (declared === undefined) {
        throw new HttpError(
          404,
          'upload_not_found',
          `upload ${uploadId.data} was not issued for this session`,
        );
      }
      // Streamed against the slot's declared size: an oversized body is refused as it
      // passes the limit, never read whole.
      const maxBytes = Math.min(declared, maxFileBytes);
      const bytes = await readBoundedBody(
        c.req.raw,
        maxBytes,
        () => new HttpError(413, 'file_too_large', `the file is larger than the ${maxBytes} bytes declared`),
      );
      if (bytes.byteLength === 0) throw new HttpError(400, 'empty_file', 'the file is empty');
      await deps.blobs.put(stagingKey(tenantId, sessionId.data, uploadId.data), bytes, {
        contentType: 'application/octet-stream',
      });
      return c.body(null, 204);
    });
}

/** The tenant's session, still open and unexpired; another tenant's is a 404. */
async function openSession(deps: ApiDeps, tenantId: string, sessionId: string) {
  const session = await deps.store.sessions.get({ tenantId, sessionId });
  if (!session) throw new HttpError(404, 'not_found', `upload session ${sessionId} not found`);
  if (session.expiresAt && Date.parse(session.expiresAt) < deps.clock.now().getTime()) {
    throw new HttpError(409, 'session_expired', `upload session ${sessionId} has expired`);
  }
  return session;
}
