import { ConfigError } from '@paperlane/core';
import { z } from 'zod';

/** Thumbnail settings; `failOn` is sharp's strictness about damaged pixel data. */
export const thumbnailConfigSchema = z.object({
  widths: z.array(z.number().int().min(16).max(4096)).min(1).max(8).default([150, 300, 600]),
  /** `error` refuses truncated and damaged images; `none` renders what decodes. */
  failOn: z.enum(['none', 'truncated', 'error', 'warning']).default('error'),
  quality: z.number().int().min(1).max(100).default(80),
  /** Thumbnails are at most this many times taller than wide (a 10 m receipt stays bounded). */
  maxAspect: z.number().min(1).max(50).default(8),
});
export type ThumbnailConfig = z.infer<typeof thumbnailConfigSchema>;
export type ThumbnailConfigInput = z.input<typeof thumbnailConfigSchema>;

/**
 * Thumbnail settings with defaults filled in. Throws ConfigError.
 *
 * @example
 * parseThumbnailConfig({ failOn: 'truncated' }).widths // [150, 300, 600]
 */
export function parseThumbnailConfig(input: ThumbnailConfigInput = {}): ThumbnailConfig {
  const parsed = thumbnailConfigSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new ConfigError(`invalid thumbnail configuration: ${fields.join(', ')}`, {
      code: 'invalid_config',
    });
  }
  return parsed.data;
}
