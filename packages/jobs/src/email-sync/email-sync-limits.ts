import { ConfigError } from '@paperlane/core';
import { z } from 'zod';

const count = z.coerce.number().int().min(1);

/** The sync's limits, from the environment (`EMAIL_*`) or defaults. */
export const emailSyncLimitsSchema = z.object({
  /** A bigger message is skipped (`message_too_large`) without being downloaded. */
  maxMessageBytes: count.max(200 * 1024 * 1024).default(25 * 1024 * 1024),
  /** A message with more attachments is skipped whole (`too_many_attachments`). */
  maxAttachments: count.max(100).default(10),
  /** A bigger attachment is skipped (`attachment_too_large`); the others are imported. */
  maxAttachmentBytes: count.max(200 * 1024 * 1024).default(20 * 1024 * 1024),
  /** Messages handled per run; the rest wait for the next run. */
  maxMessagesPerRun: count.max(5000).default(200),
});
export type EmailSyncLimits = z.infer<typeof emailSyncLimitsSchema>;

/**
 * Reads `EMAIL_MAX_MESSAGE_BYTES`, `EMAIL_MAX_ATTACHMENTS`, `EMAIL_MAX_ATTACHMENT_BYTES`
 * and `EMAIL_MAX_MESSAGES_PER_RUN`; unset ones take their defaults.
 *
 * @example const limits = emailSyncLimitsFromEnv(process.env);
 */
export function emailSyncLimitsFromEnv(env: Record<string, string | undefined>): EmailSyncLimits {
  const parsed = emailSyncLimitsSchema.safeParse({
    maxMessageBytes: env.EMAIL_MAX_MESSAGE_BYTES,
    maxAttachments: env.EMAIL_MAX_ATTACHMENTS,
    maxAttachmentBytes: env.EMAIL_MAX_ATTACHMENT_BYTES,
    maxMessagesPerRun: env.EMAIL_MAX_MESSAGES_PER_RUN,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid email sync limits: ${problems.join('; ')}`);
  }
  return parsed.data;
}
