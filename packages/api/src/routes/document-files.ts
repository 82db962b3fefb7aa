import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { attachmentDisposition, type BlobLinkTarget, blobKeys, MAX_FILE_LINK_SECONDS } from '@paperlane/core';
import type { DocumentRecord } from '@paperlane/store';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { authErrors, bearer, idParam, jsonError } from './common';
import { matchesEtag } from './etag';

/** Links live 5 minutes unless asked otherwise: long enough to load a page, short if one leaks. */
export const DEFAULT_LINK_SECONDS = 300;
/** A redirect to a download link only has to last until the client follows it. */
const REDIRECT_LINK_SECONDS = 60;

/**
 * Headers of every file the API hands out: the type it was stored as, never sniffed,
 * and no script may run if a browser renders it anyway.
 */
export const FILE_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;

const lifetime = z
  .number()
  .int()
  .min(1)
  .max(MAX_FILE_LINK_SECONDS)
  .default(DEFAULT_LINK_SECONDS)
  .openapi({ description: `Seconds the link works, 1 to ${MAX_FILE_LINK_SECONDS}`, example: 300 });

/** `width` belongs to thumbnails only: an original with a width is refused by the schema. */
const linkRequest = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('original'), expires_in_seconds: lifetime }),
    z.strictObject({
      kind: z.literal('thumbnail'),
      width: z
        .number()
        .int()
        .min(1)
        .max(99_999)
        .optional()
        .openapi({ description: "One of the document's rendered widths; default the first listed" }),
      expires_in_seconds: lifetime,
    }),
  ])
  .openapi('FileLinkRequest');

const linkResponse = z
  .object({
    url: z.string().openapi({
      description: 'Locally `/files/{token}` (relative to the API); on AWS an S3 presigned GET',
      example: '/files/v1.eyJ0IjoiYWNtZSJ9.Zm9v',
    }),
    expires_at: z.string().openapi({ example: '2026-12-05T08:05:00.000Z' }),
  })
  .openapi('FileLink');

const getOriginal = createRoute({
  method: 'get',
  path: '/api/documents/{document_id}/original',
  tags: ['documents'],
  summary: "The document's original file, as uploaded",
  description:
    'The bytes with the stored content type and `Content-Disposition: attachment` under the ' +
    'uploaded file name (control characters, folders and bidi overrides removed). Answers 304 to a ' +
    'matching `If-None-Match`. Where the API cannot return large bodies (AWS Lambda, 6 MB), a larger ' +
    'file is a 302 to a short-lived link instead.',
  security: bearer,
  request: { params: idParam('document_id') },
  responses: {
    200: {
      content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
      description: 'The bytes (Content-Type is the stored type), with ETag and Content-Disposition',
    },
    302: { description: 'A file too large for this deployment to return: follow `Location` (60 s)' },
    304: { description: 'Not modified (the ETag matched)' },
    404: jsonError('No such document for this tenant, or its file is gone'),
    ...authErrors,
  },
});

const createLink = createRoute({
  method: 'post',
  path: '/api/documents/{document_id}/links',
  tags: ['documents'],
  summary: 'A short-lived link to the original or a thumbnail, usable without a token',
  description:
    'For an `<img src>` or a download link: whoever holds the URL can read that one file until ' +
    '`expires_at`, with no `Authorization` header. Thumbnails only at the widths the document has.',
  security: bearer,
  request: {
    params: idParam('document_id'),
    body: { content: { 'application/json': { schema: linkRequest } }, required: true },
  },
  responses: {
    200: { content: { 'application/json': { schema: linkResponse } }, description: 'The link' },
    400: jsonError('Invalid request (unknown kind, a width for an original, lifetime out of range)'),
    404: jsonError('No such document for this tenant, or no thumbnail at that width'),
    503: jsonError('This deployment signs no links'),
    ...authErrors,
  },
});

function thumbnailTarget(document: DocumentRecord, width: number | undefined): BlobLinkTarget {
  const items = document.thumbnails?.items ?? [];
  const item = width === undefined ? items[0] : items.find((i) => i.requestedWidth === width);
  if (!item) {
    const widths = items.map((i) => i.requestedWidth).join(', ') || 'none yet';
    throw new HttpError(
      404,
      'thumbnail_not_found',
      `document ${document.documentId} has no thumbnail${width === undefined ? '' : ` ${width} wide`} (widths: ${widths})`,
    );
  }
  const { tenantId, documentId } = document;
  return {
    tenantId,
    documentId,
    key: blobKeys.thumbnail(tenantId, documentId, item.requestedWidth),
    kind: 'thumbnail',
    width: item.requestedWidth,
    contentType: 'image/webp',
  };
}

function originalTarget(document: DocumentRecord): BlobLinkTarget {
  const { tenantId, documentId } = document;
  return {
    tenantId,
    documentId,
    key: blobKeys.original(tenantId, documentId),
    kind: 'original',
    contentType: document.contentType,
    fileName: document.fileName,
  };
}

/**
 * The original download and short-lived links (`/original`, `/links`). Blob keys are
 * built from the caller's tenant, never from input or the record, so no id reaches
 * another tenant's files; another tenant's document is a 404 like every document route.
 *
 * @example app.route('/', documentFileRoutes(deps))
 */
export function documentFileRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  const load = async (tenantId: string, documentId: string) => {
    const document = await deps.store.documents.get({ tenantId, documentId });
    if (!document) throw new HttpError(404, 'not_found', `document ${documentId} not found`);
    return document;
  };

  return app
    .openapi(getOriginal, async (c) => {
      const { document_id } = c.req.valid('param');
      const document = await load(c.get('principal').tenantId, document_id);
      const target = originalTarget(document);
      if (
        deps.fileLinks &&
        deps.maxInlineFileBytes !== undefined &&
        document.sizeBytes > deps.maxInlineFileBytes
      ) {
        const link = await deps.fileLinks.sign(target, { expiresInSeconds: REDIRECT_LINK_SECONDS });
        return c.body(null, 302, { location: link.url, 'cache-control': 'no-store' });
      }
      // The content hash names these exact bytes: a strong validator.
      const etag = `"${document.sha256}"`;
      const headers = { etag, 'cache-control': 'private, no-cache', vary: 'Authorization, Cookie' };
      if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
      const bytes = await deps.blobs.get(target.key, { maxBytes: Math.max(document.sizeBytes, 1) });
      if (!bytes) throw new HttpError(404, 'file_not_found', `the file of document ${document_id} is gone`);
      return c.body(new Uint8Array(bytes), 200, {
        ...headers,
        ...FILE_SECURITY_HEADERS,
        'content-type': target.contentType,
        'content-disposition': attachmentDisposition(document.fileName),
      });
    })

    .openapi(createLink, async (c) => {
      const { document_id } = c.req.valid('param');
      const request = c.req.valid('json');
      const document = await load(c.get('principal').tenantId, document_id);
      if (!deps.fileLinks) {
        throw new HttpError(503, 'file_links_unavailable', 'this deployment signs no file links');
      }
      const target =
        request.kind === 'original' ? originalTarget(document) : thumbnailTarget(document, request.width);
      const link = await deps.fileLinks.sign(target, { expiresInSeconds: request.expires_in_seconds });
      return c.json({ url: link.url, expires_at: link.expiresAt }, 200, { 'cache-control': 'no-store' });
    });
}
