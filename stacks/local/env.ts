import { z } from 'zod';

const endpoint = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://localhost:4566' });

const schema = z.object({
  AWS_ENDPOINT_URL: endpoint.optional(),
  AWS_ENDPOINT_URL_SQS: endpoint.optional(),
  AWS_ENDPOINT_URL_DYNAMODB: endpoint.optional(),
  AWS_ENDPOINT_URL_S3: endpoint.optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  // Names and defaults as the app reads them (packages/functions config).
  TABLE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be 3-255 letters, digits, _ . -')
    .default('paperlane'),
  BUCKET_NAME: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be 3-63 lowercase letters, digits, . -')
    .default('paperlane-files'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,40}$/, 'must be up to 40 letters, digits, _ -')
    .default('paperlane-'),
  /** Browser origins allowed to upload straight to the bucket (comma-separated). */
  PAPERLANE_WEB_ORIGINS: z
    .string()
    .default('*')
    .transform((raw) =>
      raw
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
});

export interface LocalStackEnv {
  endpoints: { sqs: string; dynamodb: string; s3: string };
  region: string;
  tableName: string;
  bucketName: string;
  queuePrefix: string;
  webOrigins: string[];
}

/**
 * The bootstrap's settings. Every service needs an endpoint (`AWS_ENDPOINT_URL`, or
 * a per-service `AWS_ENDPOINT_URL_SQS` / `_DYNAMODB` / `_S3`, which wins): the
 * bootstrap provisions LocalStack or emulators, never an AWS account.
 *
 * @throws Error naming every problem at once.
 */
export function readLocalStackEnv(env: Record<string, string | undefined>): LocalStackEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
  const config = parsed.success ? parsed.data : undefined;
  const endpoints = {
    sqs: config?.AWS_ENDPOINT_URL_SQS ?? config?.AWS_ENDPOINT_URL,
    dynamodb: config?.AWS_ENDPOINT_URL_DYNAMODB ?? config?.AWS_ENDPOINT_URL,
    s3: config?.AWS_ENDPOINT_URL_S3 ?? config?.AWS_ENDPOINT_URL,
  };
  const missing = Object.entries(endpoints)
    .filter(([, url]) => !url)
    .map(([service]) => service);
  if (config && missing.length > 0) {
    problems.push(
      `no endpoint for ${missing.join(', ')}: set AWS_ENDPOINT_URL (LocalStack: http://localhost:4566) or ${missing.map((s) => `AWS_ENDPOINT_URL_${s.toUpperCase()}`).join(' / ')}; the bootstrap only provisions local stacks (deploy to AWS with npx sst deploy)`,
    );
  }
  if (!config || problems.length > 0)
    throw new Error(`stack:bootstrap: invalid environment: ${problems.join('; ')}`);
  return {
    endpoints: endpoints as LocalStackEnv['endpoints'],
    region: config.AWS_REGION,
    tableName: config.TABLE_NAME,
    bucketName: config.BUCKET_NAME,
    queuePrefix: config.QUEUE_PREFIX,
    webOrigins: config.PAPERLANE_WEB_ORIGINS,
  };
}
