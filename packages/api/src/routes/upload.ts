import { OpenAPIHono, z } from '@hono/zod-openapi';
import { idSchema } from '@paperlane/core';
import { type IncomingFile, ingestDocuments } from '@paperlane/jobs';
import { bodyLimit } from 'hono/body-limit';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { limitPerTenant } from '../middleware/rate-limit';
import { documentSchema, jobSchema, presentDocument, presentJob } from '../presenters';
import { authErrors, bearer, jsonError } from './common';

export const uploadResponseSchema = z
  .object({
    session_id: z.string(),
    documents: z.array(documentSchema),
    jobs: z.array(jobSchema),
  })
  .openapi('UploadAccepted');
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

const ALLOWED_FIELDS = new Set(['files', 'folder_id']);

/**
 * `POST /api/upload`: multipart, field `files` (repeatable), optional `folder_id`.
 * Every file is checked (count, size, real type from its bytes) before anything
 * is stored; the response is 202 as soon as records and jobs exist.
 */
export function uploadRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/upload',
    tags: ['uploads'],
    summary: 'Upload documents; starts OCR and thumbnails and answers at once',
    security: bearer,
    request: {
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({
              files: z.array(z.string().openapi({ format: 'binary' })),
              folder_id: idSchema.optional(),
            }),
          },
        },
      },
    },
    responses: {
      202: { content: { 'application/json': { schema: uploadResponseSchema } }, description: 'Accepted' },
      400: jsonError('No files, an empty file, or an unknown form field'),
      413: jsonError('Too many files, a file too large, or the body too large'),
      415: jsonError('Not multipart, or a file type that is not supported'),
      ...authErrors,
    },
  });

  return app.post(
    '/api/upload',
    limitPerTenant(deps.rateLimiter),
    bodyLimit({
      maxSize: deps.limits.maxRequestBytes,
      onError: () => {
        throw new HttpError(
          413,
          'payload_too_large',
          `the request body exceeds ${deps.limits.maxRequestBytes} bytes`,
        );
      },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!type.toLowerCase().startsWith('multipart/form-data')) {
        throw new HttpError(
          415,
          'unsupported_media_type',
          'send multipart/form-data with one or more `files` fields',
        );
      }
      let form: Record<string, string | File | (string | File)[]>;
      try {
        form = await c.req.parseBody({ all: true });
      } catch {
        throw new HttpError(400, 'invalid_multipart', 'the multipart body could not be parsed');
      }
      const unknown = Object.keys(form).filter((key) => !ALLOWED_FIELDS.has(key));
      if (unknown.length > 0) {
        throw new HttpError(
          400,
          'unknown_field',
          'only `files` and `folder_id` may be sent',
          unknown.slice(0, 10),
        );
      }
      const rawFiles = ([] as (string | File)[]).concat(form.files ?? []);
      if (rawFiles.some((f) => typeof f === 'string')) {
        throw new HttpError(400, 'invalid_file', '`files` must be file parts, not text');
      }
      const folder = form.folder_id;
      if (folder !== undefined && (typeof folder !== 'string' || !idSchema.safeParse(folder).success)) {
        throw new HttpError(400, 'invalid_folder_id', '`folder_id` must be one id');
      }
      const files: IncomingFile[] = [];
      for (const file of rawFiles as File[]) {
        files.push({ fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
      }
      const principal = c.get('principal');
      const result = await ingestDocuments(
        {
          store: deps.store,
          blobs: deps.blobs,
          queue: deps.dispatcher,
          clock: deps.clock,
          sniff: deps.sniff,
          limits: deps.limits,
        },
        {
          tenantId: principal.tenantId,
          userId: principal.userId,
          files,
          ...(typeof folder === 'string' ? { folderId: folder } : {}),
          source: 'upload',
        },
      );
      const body: UploadResponse = {
        session_id: result.session.sessionId,
        documents: result.documents.map(presentDocument),
        jobs: result.jobs.map((j) => presentJob(j.job)),
      };
      return c.json(body, 202);
    },
  );
}
