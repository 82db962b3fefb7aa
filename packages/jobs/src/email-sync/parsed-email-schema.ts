import type { ParsedEmail } from '@paperlane/core';
import { z } from 'zod';

/**
 * What the sync accepts from the email parser: a parser bug or a hostile message
 * that yields something else is skipped as `unparsable_message`, never trusted.
 */
export const parsedEmailSchema = z.object({
  messageId: z.string().max(1000).optional(),
  from: z.string().max(320).optional(),
  subject: z.string().max(1000).optional(),
  date: z.string().max(40).optional(),
  attachments: z
    .array(
      z.object({
        fileName: z.string().max(1000).optional(),
        declaredType: z.string().max(255).optional(),
        inline: z.boolean(),
        bytes: z.instanceof(Uint8Array),
      }),
    )
    .max(1000),
}) satisfies z.ZodType<ParsedEmail>;
