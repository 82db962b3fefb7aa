import { z } from '@hono/zod-openapi';
import { notifyEmailSchema } from '@paperlane/core';
import { describeIssues, HttpError } from '../errors';

/**
 * `reprocess: true` reads every file from scratch, even when the tenant already has a
 * processed document with the same bytes (whose OCR text and fields are reused otherwise).
 */
export const reprocessField = { reprocess: z.boolean().optional() };

/** One address emailed once when the upload's session completes (with its counts). */
export const notifyEmailField = { notify_email: notifyEmailSchema.optional() };

export interface UploadOptions {
  reprocess?: boolean;
  notifyEmail?: string;
}

/**
 * The upload options from multipart text parts (all strings), refused with a coded
 * 400 as a JSON body's would be: `reprocess` is `true` or `false`, `notify_email` one
 * plain address (`invalid_notify_email`).
 *
 * @example parseFormUploadOptions({ reprocess: 'true', notify_email: 'ap@example.com' }) // { reprocess: true, notifyEmail: 'ap@example.com' }
 */
export function parseFormUploadOptions(fields: Record<string, string>): UploadOptions {
  const { reprocess, notify_email: notifyEmail } = fields;
  if (reprocess !== undefined && reprocess !== 'true' && reprocess !== 'false') {
    throw new HttpError(400, 'invalid_upload_option', 'reprocess must be true or false');
  }
  return {
    ...(reprocess !== undefined ? { reprocess: reprocess === 'true' } : {}),
    ...(notifyEmail !== undefined ? { notifyEmail: parseNotifyEmail(notifyEmail) } : {}),
  };
}

/** `notify_email` checked, or 400 `invalid_notify_email` (it ends up in a mail header). */
export function parseNotifyEmail(value: unknown): string {
  const parsed = notifyEmailSchema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(
      400,
      'invalid_notify_email',
      'notify_email must be one plain email address',
      describeIssues(parsed.error.issues),
    );
  }
  return parsed.data;
}
