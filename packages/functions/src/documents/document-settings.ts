import { type FileLimits, parseFileLimits } from '@paperlane/adapters/files/file-limits';
import {
  parseThumbnailConfig,
  type ThumbnailConfig,
  thumbnailConfigSchema,
} from '@paperlane/adapters/images/thumbnail-config';
import { type OcrConfig, parseOcrConfig } from '@paperlane/adapters/ocr/create-ocr-provider';
import { tesseractLanguages } from '@paperlane/adapters/ocr/tesseract-languages';
import { ConfigError } from '@paperlane/core';
import { z } from 'zod';
import type { Config } from '../config/config';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();
const blankAsUnset = (value: unknown) => (value === '' ? undefined : value);
const knownLanguages = (value: string) => {
  try {
    return tesseractLanguages(value).length > 0;
  } catch {
    return false;
  }
};

/** The document jobs' environment (`OCR_*`, `FILE_*`, `THUMBNAIL_*`, Google credentials). */
const documentEnvSchema = z.object({
  /** Default: textract on Lambda, tesseract (offline) everywhere else. */
  OCR_PROVIDER: z.preprocess(blankAsUnset, z.enum(['textract', 'google-vision', 'tesseract']).optional()),
  /** tesseract languages, `eng+deu+fra`. */
  OCR_LANGUAGES: z.preprocess(
    blankAsUnset,
    z.string().max(200).refine(knownLanguages, 'unknown or missing tesseract language').optional(),
  ),
  OCR_PDF_DPI: z.preprocess(blankAsUnset, int(72, 600)),
  /** Largest original a job opens (default: UPLOAD_MAX_FILE_BYTES). */
  FILE_MAX_BYTES: z.preprocess(blankAsUnset, int(1, 512 * 1024 * 1024)),
  FILE_MAX_PAGES: z.preprocess(blankAsUnset, int(1, 10_000)),
  FILE_MAX_INPUT_PIXELS: z.preprocess(blankAsUnset, int(1, 1_000_000_000)),
  /** Comma-separated widths in px, default `150,300,600`. */
  THUMBNAIL_WIDTHS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .max(100)
      .regex(/^\s*\d{1,5}(\s*,\s*\d{1,5})*\s*$/, 'comma-separated widths in px')
      .transform((raw) => raw.split(',').map((width) => Number(width.trim())))
      .pipe(thumbnailConfigSchema.shape.widths.unwrap())
      .optional(),
  ),
  THUMBNAIL_QUALITY: z.preprocess(blankAsUnset, int(1, 100)),
  THUMBNAIL_FAIL_ON: z.preprocess(blankAsUnset, z.enum(['none', 'truncated', 'error', 'warning']).optional()),
  /** A Google service-account key as JSON (an SST secret on AWS). */
  GOOGLE_CREDENTIALS: z.preprocess(blankAsUnset, z.string().max(20_000).optional()),
  GOOGLE_APPLICATION_CREDENTIALS: z.preprocess(blankAsUnset, z.string().max(1000).optional()),
  GOOGLE_VISION_ENDPOINT: z.preprocess(blankAsUnset, z.url().optional()),
  AWS_ENDPOINT_URL_TEXTRACT: z.preprocess(blankAsUnset, z.url().optional()),
});

export interface DocumentSettings {
  ocr: OcrConfig;
  fileLimits: FileLimits;
  thumbnails: ThumbnailConfig;
}

function parseCredentials(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    // Never echo the value: it is a private key.
    throw new ConfigError('GOOGLE_CREDENTIALS is not valid JSON', { code: 'invalid_config' });
  }
}

/**
 * The document jobs' settings from the environment, validated: the OCR provider and
 * its clients' settings, the hard file limits (bytes, pages, input pixels) and the
 * thumbnail sizes. The CLI and the job modules both read them here, so
 * `paperlane extract` behaves exactly as the job does.
 *
 * @throws ConfigError naming the bad variables (never their values).
 * @example const { ocr, fileLimits } = documentSettings(loadConfig(process.env));
 */
export function documentSettings(config: Config): DocumentSettings {
  const parsed = documentEnvSchema.safeParse(config.source);
  if (!parsed.success) {
    // The variable's name only: nested paths (`THUMBNAIL_WIDTHS.0`) and values say nothing more useful.
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '(root)')))];
    throw new ConfigError(`invalid document settings: ${names.join(', ')}`, { code: 'invalid_config' });
  }
  const env = parsed.data;
  const onAws = Boolean(config.env.AWS_LAMBDA_FUNCTION_NAME);
  const fileLimits = parseFileLimits({
    maxBytes: env.FILE_MAX_BYTES ?? Math.min(config.env.UPLOAD_MAX_FILE_BYTES, 512 * 1024 * 1024),
    ...(env.FILE_MAX_PAGES ? { maxPages: env.FILE_MAX_PAGES } : {}),
    ...(env.FILE_MAX_INPUT_PIXELS ? { maxInputPixels: env.FILE_MAX_INPUT_PIXELS } : {}),
  });
  const textractEndpoint = env.AWS_ENDPOINT_URL_TEXTRACT ?? config.env.AWS_ENDPOINT_URL;
  const ocr = parseOcrConfig({
    provider: env.OCR_PROVIDER ?? (onAws ? 'textract' : 'tesseract'),
    limits: fileLimits,
    ...(env.OCR_PDF_DPI ? { pdfText: { dpi: env.OCR_PDF_DPI } } : {}),
    ...(env.OCR_LANGUAGES ? { tesseract: { languages: env.OCR_LANGUAGES } } : {}),
    textract: {
      // Multi-page PDFs are read from S3 by Textract itself; a local folder has no bucket.
      ...(config.embed.files ? {} : { bucket: config.env.BUCKET_NAME }),
      region: config.env.AWS_REGION,
      ...(textractEndpoint ? { endpoint: textractEndpoint } : {}),
    },
    googleVision: {
      ...(env.GOOGLE_CREDENTIALS ? { credentials: parseCredentials(env.GOOGLE_CREDENTIALS) } : {}),
      ...(env.GOOGLE_APPLICATION_CREDENTIALS ? { keyFilename: env.GOOGLE_APPLICATION_CREDENTIALS } : {}),
      ...(env.GOOGLE_VISION_ENDPOINT ? { endpoint: env.GOOGLE_VISION_ENDPOINT } : {}),
    },
  });
  const thumbnails = parseThumbnailConfig({
    ...(env.THUMBNAIL_WIDTHS ? { widths: env.THUMBNAIL_WIDTHS } : {}),
    ...(env.THUMBNAIL_QUALITY ? { quality: env.THUMBNAIL_QUALITY } : {}),
    ...(env.THUMBNAIL_FAIL_ON ? { failOn: env.THUMBNAIL_FAIL_ON } : {}),
  });
  return { ocr, fileLimits, thumbnails };
}
