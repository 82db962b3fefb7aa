import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { attachmentDisposition, blobKeys, type FileLinkClaims } from '@paperlane/core';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { jsonError } from './common';
import { FILE_SECURITY_HEADERS } from './document-files';

/** Far above any WebP the renderer writes; a bound, not a budget (as the thumbnail route). */
const MAX_THUMBNAIL_BYTES = 16 * 1024 * 1024;
const REFUSED_HEADERS = { 'cache-control': 'no-store' };

const getFile = createRoute({
  method: 'get',
  path: '/files/{token}',
  tags: ['documents'],
  summary: 'The file a short-lived link names (no Authorization: the token is the credential)',
  description:
    'The `url` of `POST /api/documents/{document_id}/links` where this server signs links itself ' +
    '(HMAC-SHA256 over tenant, document, blob key, kind, width, content type, name and expiry). ' +
    'Cached privately for at most the link’s remaining life. On AWS links are S3 presigned GETs instead.',
  request: {
    // Any string: every malformed token must be the same 403 as a tampered one, never a 400.
    params: z.object({
      token: z
        .string()
        .openapi({ param: { name: 'token', in: 'path' }, example: 'v1.eyJ0IjoiYWNtZSJ9.Zm9v' }),
    }),
  },
  responses: {
    200: {
      content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
      description: 'The bytes, typed as signed; originals as an attachment',
    },
    403: jsonError('`invalid_file_token` (malformed, changed or not ours) or `file_link_expired`'),
    404: jsonError('The file is gone'),
    500: jsonError('Unexpected error'),
  },
});

/** The key the claims must name: the one `blobKeys` builds from them, so a token can name nothing else. */
function expectedKey(claims: FileLinkClaims): string | undefined {
  if (claims.kind === 'original') return blobKeys.original(claims.tenantId, claims.documentId);
  if (claims.width === undefined) return undefined;
  return blobKeys.thumbnail(claims.tenantId, claims.documentId, claims.width);
}

/**
 * `GET /files/{token}`: the HMAC links this server signs. Outside `/api`, so no bearer
 * token or cookie is asked for (an `<img>` sends neither header); the token alone
 * grants that one file until it expires.
 *
 * @example app.route('/', fileLinkRoutes(deps))
 */
export function fileLinkRoutes(deps: Pick<ApiDeps, 'fileTokens' | 'blobs' | 'clock' | 'limits'>) {
  const app = new OpenAPIHono<ApiEnv>();
  return app.openapi(getFile, async (c) => {
    const { token } = c.req.valid('param');
    const check = deps.fileTokens?.verify(token) ?? ({ ok: false, code: 'invalid_file_token' } as const);
    if (!check.ok) {
      const message =
        check.code === 'file_link_expired' ? 'this file link has expired' : 'this file link is not valid';
      throw new HttpError(403, check.code, message, undefined, REFUSED_HEADERS);
    }
    const { claims } = check;
    // Only this server's tokens get here; a key that is not the one its claims name is refused anyway.
    if (claims.key !== expectedKey(claims)) {
      throw new HttpError(
        403,
        'invalid_file_token',
        'this file link is not valid',
        undefined,
        REFUSED_HEADERS,
      );
    }
    const maxBytes = claims.kind === 'thumbnail' ? MAX_THUMBNAIL_BYTES : deps.limits.maxFileBytes;
    const bytes = await deps.blobs.get(claims.key, { maxBytes });
    if (!bytes)
      throw new HttpError(404, 'file_not_found', 'the file of this link is gone', undefined, REFUSED_HEADERS);
    const remaining = Math.floor((claims.expiresAt.getTime() - deps.clock.now().getTime()) / 1000);
    return c.body(new Uint8Array(bytes), 200, {
      ...FILE_SECURITY_HEADERS,
      'content-type': claims.contentType,
      'content-disposition': claims.fileName ? attachmentDisposition(claims.fileName) : 'inline',
      // Never past the link's life: a cached copy must not outlive the permission.
      'cache-control': `private, max-age=${Math.max(0, remaining)}`,
      // The token is in the URL: a page this file opens (an original opened inline) must not leak it.
      'referrer-policy': 'no-referrer',
    });
  });
}
