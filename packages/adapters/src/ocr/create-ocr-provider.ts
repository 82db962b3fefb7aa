import type { TextractClient } from '@aws-sdk/client-textract';
import type { ImageAnnotatorClient } from '@google-cloud/vision';
import { ConfigError } from '@paperlane/core';
import { z } from 'zod';
import { fileLimitsSchema } from '../files/file-limits';
import type { OcrBackend } from './ocr-backend';
import { DEFAULT_TESSERACT_LANGUAGES, tesseractLanguages } from './tesseract-languages';

export const OCR_PROVIDERS = ['textract', 'google-vision', 'tesseract'] as const;
export type OcrProviderName = (typeof OCR_PROVIDERS)[number];

/** The fields of a service-account JSON key the client uses; the rest of the key is accepted and ignored. */
const serviceAccountKeySchema = z.looseObject({
  client_email: z.string().min(3),
  private_key: z.string().min(1),
  project_id: z.string().optional(),
});

/** OCR configuration (the lead's env wiring builds this; `provider` is `OCR_PROVIDER`). */
export const ocrConfigSchema = z.object({
  provider: z.enum(OCR_PROVIDERS),
  limits: fileLimitsSchema.prefault({}),
  pdfText: z
    .object({
      /** Pages with fewer visible characters go to OCR. */
      minCharsPerPage: z.number().int().min(0).max(10_000).default(16),
      /** Resolution scanned pages are rasterised at. */
      dpi: z.number().int().min(72).max(600).default(200),
    })
    .prefault({}),
  tesseract: z
    .object({
      /** `eng+deu+...`; only languages whose data is installed from npm. */
      languages: z
        .string()
        .refine((value) => {
          try {
            tesseractLanguages(value);
            return true;
          } catch {
            return false;
          }
        }, 'unknown tesseract language')
        .default(DEFAULT_TESSERACT_LANGUAGES),
    })
    .prefault({}),
  textract: z
    .object({
      /** Where documents live; needed for multi-page PDFs (read from S3). */
      bucket: z.string().min(3).optional(),
      region: z.string().optional(),
      /** LocalStack or a fake; unset on AWS. */
      endpoint: z.url().optional(),
    })
    .prefault({}),
  googleVision: z
    .object({
      /** A service-account key (parsed JSON). Without it and `keyFilename`, Application Default Credentials. */
      credentials: serviceAccountKeySchema.optional(),
      keyFilename: z.string().min(1).optional(),
      projectId: z.string().optional(),
      endpoint: z.url().optional(),
    })
    .prefault({}),
});
export type OcrConfig = z.infer<typeof ocrConfigSchema>;
export type OcrConfigInput = z.input<typeof ocrConfigSchema>;

/** Ready-made clients, for tests and for callers that share one client. */
export interface OcrClients {
  textract?: TextractClient;
  googleVision?: ImageAnnotatorClient;
}

/**
 * Validated OCR configuration. Throws ConfigError naming the bad fields (never
 * echoing values, so a key never reaches a log).
 *
 * @example
 * const config = parseOcrConfig({ provider: process.env.OCR_PROVIDER ?? 'tesseract' });
 */
export function parseOcrConfig(input: unknown): OcrConfig {
  const parsed = ocrConfigSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new ConfigError(`invalid OCR configuration: ${[...new Set(fields)].join(', ')}`, {
      code: 'invalid_config',
    });
  }
  return parsed.data;
}

async function backendFor(config: OcrConfig, clients: OcrClients): Promise<OcrBackend> {
  const { limits } = config;
  switch (config.provider) {
    case 'tesseract': {
      const { createTesseractOcr } = await import('./tesseract-ocr');
      return createTesseractOcr({ languages: config.tesseract.languages, limits, dpi: config.pdfText.dpi });
    }
    case 'textract': {
      const [{ TextractClient }, { awsClientConfig }, { createTextractOcr }] = await Promise.all([
        import('@aws-sdk/client-textract'),
        import('../aws/client-config'),
        import('./textract-ocr'),
      ]);
      const client =
        clients.textract ??
        new TextractClient(
          awsClientConfig({
            ...(config.textract.endpoint ? { endpoint: config.textract.endpoint } : {}),
            ...(config.textract.region ? { region: config.textract.region } : {}),
          }),
        );
      return createTextractOcr({
        client,
        limits,
        ...(config.textract.bucket ? { bucket: config.textract.bucket } : {}),
      });
    }
    case 'google-vision': {
      const { createGoogleVisionClient, createGoogleVisionOcr } = await import('./google-vision-ocr');
      const { credentials, keyFilename, projectId, endpoint } = config.googleVision;
      const client =
        clients.googleVision ??
        createGoogleVisionClient({
          ...(credentials
            ? {
                credentials: {
                  client_email: credentials.client_email,
                  private_key: credentials.private_key,
                  ...(credentials.project_id ? { project_id: credentials.project_id } : {}),
                },
              }
            : {}),
          ...(keyFilename ? { keyFilename } : {}),
          ...(projectId ? { projectId } : {}),
          ...(endpoint ? { endpoint } : {}),
        });
      return createGoogleVisionOcr({ client, limits });
    }
  }
}

/**
 * The OCR provider for `config.provider`, always behind the PDF text layer: PDFs
 * with text never reach OCR. Providers load lazily, so a Textract deployment does
 * not load tesseract.js or the Vision client. `close()` releases clients/workers.
 *
 * @example
 * const ocr = await createOcrProvider({ provider: 'textract', textract: { bucket: Resource.Files.name } });
 * const result = await ocr.recognize({ bytes, contentType, blobKey });
 */
export async function createOcrProvider(
  input: OcrConfigInput,
  clients: OcrClients = {},
): Promise<OcrBackend> {
  const config = parseOcrConfig(input);
  // Loaded here, not at import: it brings the PDF renderer's native canvas.
  const [fallback, { createPdfTextOcr }] = await Promise.all([
    backendFor(config, clients),
    import('./pdf-text-ocr'),
  ]);
  return createPdfTextOcr({
    fallback,
    limits: config.limits,
    minCharsPerPage: config.pdfText.minCharsPerPage,
    dpi: config.pdfText.dpi,
  });
}
