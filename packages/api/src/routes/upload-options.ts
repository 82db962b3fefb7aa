import { z } from '@hono/zod-openapi';
import { HttpError } from '../errors';

/**
 * `reprocess: true` reads every file from scratch, even when the tenant already has a
 * processed document with the same bytes (whose OCR text and fields are reused otherwise).
 */
export const reprocessField = { reprocess: z.boolean().optional() };

export interface UploadOptions {
  reprocess?: boolean;
}

/**
 * The upload options from multipart text parts (all strings), refused with a coded
 * 400 as a JSON body's would be: `reprocess` is `true` or `false`, nothing else.
 *
 * @example parseFormUploadOptions({ reprocess: 'true' }) // { reprocess: true }
 */
export function parseFormUploadOptions(fields: Record<string, string>): UploadOptions {
  const { reprocess } = fields;
  if (reprocess === undefined) return {};
  if (reprocess !== 'true' && reprocess !== 'false') {
    throw new HttpError(400, 'invalid_upload_option', 'reprocess must be true or false');
  }
  return { reprocess: reprocess === 'true' };
}
