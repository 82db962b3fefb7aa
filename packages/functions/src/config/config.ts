import { ConfigError, resolveTopology, type TenantBudgetPolicy, type Topology } from '@paperlane/core';
import { z } from 'zod';
import { type FairShareSettings, fairShareSettings } from './fair-share';
import { tenantBudgetPolicy } from './tenant-budgets';

const port = z.coerce.number().int().min(0).max(65_535);
const bytes = z.coerce
  .number()
  .int()
  .min(1)
  .max(5 * 1024 ** 3);
const positive = z.coerce.number().int().min(1);
const url = z.url({ protocol: /^https?$/ });

/** Every environment variable Paperlane reads, validated once at start-up. */
export const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Embedded runtime state (dynalite tables, files, the dev JWT secret). */
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_JWKS_URL: url.optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** Longest lifetime (exp - iat) a bearer token may have; tokens without exp are refused. Default 30 days. */
  JWT_MAX_LIFETIME_SECONDS: positive
    .min(60)
    .max(366 * 24 * 3600)
    .optional(),

  /** Set: BullMQ on this Redis is the transport (and Redis pub/sub carries events). */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /**
   * `sqs`: with REDIS_URL, jobs that Redis cannot take go to SQS instead (and this
   * process also consumes them there) rather than waiting for the sweeper.
   */
  JOB_TRANSPORT_FALLBACK: z.enum(['sqs', 'none']).default('none'),
  /** Set (LocalStack, emulators): AWS clients use it; unset and not on AWS: embedded emulators start. */
  AWS_ENDPOINT_URL: url.optional(),
  AWS_ENDPOINT_URL_SQS: url.optional(),
  /**
   * `true`: the SQS endpoint is Paperlane's embedded emulator, which gives back what an
   * abandoned long poll took, so stopping consumers may abandon theirs (`npm start` sets
   * it for its children). Never set it for SQS or LocalStack.
   */
  SQS_ENDPOINT_IS_EMBEDDED: z.enum(['true', 'false']).default('false'),
  AWS_ENDPOINT_URL_DYNAMODB: url.optional(),
  AWS_ENDPOINT_URL_S3: url.optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),

  TABLE_NAME: z.string().min(3).max(255).default('paperlane'),
  BUCKET_NAME: z.string().min(3).max(63).default('paperlane-files'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,40}$/)
    .default('paperlane-'),

  UPLOAD_MAX_FILE_BYTES: bytes.default(25 * 1024 * 1024),
  UPLOAD_MAX_FILES: positive.max(1000).default(20),
  UPLOAD_MAX_REQUEST_BYTES: bytes.optional(),
  /** Any JSON (or other non-upload) request body; webhook and event bodies are capped lower. Default 1 MiB. */
  API_MAX_BODY_BYTES: bytes.optional(),
  /** A folder holding the web console's files flat (the AWS bundle's `console/`); unset, the installed package. */
  CONSOLE_DIR: z.string().min(1).max(500).optional(),
  RATE_LIMIT_PER_MINUTE: positive.default(120),
  /**
   * `shared`: every API process counts against one budget per tenant in the table (the
   * default off embedded DynamoDB, so it holds across Lambda instances); `process`: each
   * process keeps its own in memory.
   */
  RATE_LIMIT_SCOPE: z.enum(['process', 'shared']).optional(),
  SWEEP_INTERVAL_MS: positive.default(30_000),
  /** Per-tenant budgets per period (UTC day or month): OCR pages and LLM tokens; unset = unlimited. */
  TENANT_BUDGET_PERIOD: z.enum(['day', 'month']).default('month'),
  TENANT_BUDGET_OCR_PAGES: z.coerce.number().int().min(0).max(1e12).optional(),
  TENANT_BUDGET_LLM_TOKENS: z.coerce.number().int().min(0).max(1e12).optional(),
  /** Per-tenant budgets as JSON: `{"<tenant>": {"ocr_pages": 1000, "llm_tokens": 500000}}`. */
  TENANT_BUDGETS: z
    .string()
    .max(64 * 1024)
    .optional(),
  /** Per-tenant admission to each queue (docs/architecture.md, "Fair share"). */
  FAIR_SHARE: z.enum(['on', 'off']).default('on'),
  /** Jobs of one tenant admitted to one queue at once; default the queue's worker concurrency. */
  FAIR_SHARE_MAX_IN_FLIGHT: positive.max(1_000).optional(),
  /** Per-tenant caps as JSON: `{"<tenant>": 8}` or `{"<tenant>": {"<queue>": 8}}`. */
  FAIR_SHARE_TENANT_CAPS: z
    .string()
    .max(64 * 1024)
    .optional(),
  /** How often a tenant out of slots re-checks a slot's job (frees slots of consumers that died). */
  FAIR_SHARE_RECHECK_MS: positive.min(1_000).max(3_600_000).default(60_000),
  /**
   * Local consumers' claim length: BullMQ's lock (default 120 s for CPU-heavy queues, 30 s
   * for the rest) or the SQS poller's visibility (default 60 s). A killed consumer's jobs
   * are taken over this long after its last renewal.
   */
  JOB_LEASE_MS: positive
    .min(1_000)
    .max(15 * 60_000)
    .optional(),
  SWEEP_GRACE_MS: positive.default(120_000),

  /** Seals secrets at rest (mailbox passwords, webhook secrets): 32 bytes, base64 or hex. */
  SECRET_KEY: z.string().min(32).optional(),
  /** Older SECRET_KEYs, comma-separated, still accepted for opening (rotation). */
  SECRET_KEY_PREVIOUS: z.string().optional(),
  /** On AWS: envelope encryption under this KMS key instead of SECRET_KEY. */
  KMS_KEY_ID: z.string().min(1).max(2048).optional(),

  /** Hosts webhooks may reach despite the SSRF guard (local receivers), e.g. `127.0.0.1:4000,localhost`. */
  WEBHOOK_ALLOWED_HOSTS: z.string().max(2000).optional(),
  /** An endpoint failing without a success for this long is disabled. */
  WEBHOOK_DISABLE_AFTER_MS: positive.optional(),
  /** Development only: mail hosts on loopback, and plaintext IMAP to them. */
  EMAIL_ALLOW_INSECURE_LOOPBACK: z.enum(['true', 'false']).default('false'),
});
export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env;
  /**
   * The variables as given, for the settings parsed where they are used (OCR, extractor,
   * summarizer, email limits) so a bundle carries only the parsers it needs.
   */
  source: Readonly<Record<string, string | undefined>>;
  topology: Topology;
  /** Which message transport carries jobs. */
  transport: 'sqs' | 'bullmq';
  /** Where sends go when the primary transport refuses them (BullMQ → SQS); else the sweeper re-sends. */
  fallback: 'sqs' | undefined;
  /** Anything runs embedded (see `embed`): the no-Docker, no-account mode of `npm start`. */
  embedded: boolean;
  /**
   * Which stand-ins this process provides itself: dynalite in-process when no DynamoDB
   * endpoint is set, fauxqs when SQS carries jobs and no SQS endpoint is set, files in
   * DATA_DIR/files when no S3 endpoint is set. Never on AWS.
   */
  embed: { dynamodb: boolean; sqs: boolean; files: boolean };
  endpoints: { sqs?: string; dynamodb?: string; s3?: string };
  upload: { maxFileBytes: number; maxFiles: number; maxRequestBytes: number };
  /** Where the per-tenant enqueue budget is counted (RATE_LIMIT_SCOPE). */
  rateLimitScope: 'process' | 'shared';
  /** Per-tenant caps per queue; undefined when `FAIR_SHARE=off`. */
  fairShare: FairShareSettings | undefined;
  /** OCR page and LLM token budgets per tenant; undefined when none is set. */
  budgets: TenantBudgetPolicy | undefined;
}

/**
 * Reads the configuration from the environment.
 *
 * @throws ConfigError listing every invalid variable (never their values, which may be secrets).
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  const endpoints = {
    ...(env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL
      ? { sqs: env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL }
      : {}),
    ...(env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL
      ? { dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL }
      : {}),
    ...(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL
      ? { s3: env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL }
      : {}),
  };
  const onAws = Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
  const transport = env.REDIS_URL ? 'bullmq' : 'sqs';
  const fallback = transport === 'bullmq' && env.JOB_TRANSPORT_FALLBACK === 'sqs' ? 'sqs' : undefined;
  const embed = {
    dynamodb: !onAws && !endpoints.dynamodb,
    sqs: !onAws && (transport === 'sqs' || fallback === 'sqs') && !endpoints.sqs,
    files: !onAws && !endpoints.s3,
  };
  // Files are held in memory until every one has passed its checks (nothing is stored
  // otherwise), so one request is capped at 128 MiB by default; larger batches go through
  // presigned uploads.
  const maxRequestBytes =
    env.UPLOAD_MAX_REQUEST_BYTES ??
    Math.min(env.UPLOAD_MAX_FILE_BYTES * env.UPLOAD_MAX_FILES + 1024 * 1024, 128 * 1024 ** 2);
  const topology = resolveTopology(source);
  return {
    env,
    source: { ...source },
    topology,
    fairShare: fairShareSettings(env, topology),
    budgets: tenantBudgetPolicy(env),
    transport,
    fallback,
    embedded: embed.dynamodb || embed.sqs,
    embed,
    endpoints,
    upload: { maxFileBytes: env.UPLOAD_MAX_FILE_BYTES, maxFiles: env.UPLOAD_MAX_FILES, maxRequestBytes },
    rateLimitScope: env.RATE_LIMIT_SCOPE ?? (embed.dynamodb ? 'process' : 'shared'),
  };
}
