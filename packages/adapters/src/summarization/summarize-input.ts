import { ValidationError } from '@paperlane/core';
import { z } from 'zod';

/** Summaries read at most a bounded prefix anyway; this only refuses what is not text at all. */
const summarizeInputSchema = z.object({
  text: z.string().max(50_000_000),
  title: z.string().max(1_000).optional(),
});

/**
 * The validated text and title of a summarize call (the signal is not data and passes around it).
 *
 * @example
 * const { text, title } = parseSummarizeInput(input);
 */
export function parseSummarizeInput(input: unknown): z.infer<typeof summarizeInputSchema> {
  const parsed = summarizeInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('invalid summarize input', {
      code: 'invalid_summarize_input',
      issues: parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
  }
  return parsed.data;
}
