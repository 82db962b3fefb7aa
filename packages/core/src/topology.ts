import { z } from 'zod';
import { MAX_BACKOFF_MS } from './backoff';
import { ConfigError } from './errors';
import { QUEUE_NAMES, type QueueName } from './queues';

/** AWS's documented guidance: a queue's visibility timeout at least six times its consumer's timeout. */
export const VISIBILITY_TO_TIMEOUT_RATIO = 6;
/** SQS's largest per-message delay. Longer delays are carried by the job record (see runtime). */
export const MAX_SQS_DELAY_SECONDS = 900;
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

const queueTopologySchema = z
  .strictObject({
    queue: z.enum(QUEUE_NAMES),
    /** Jobs one worker process runs at once (BullMQ, local poller); Lambda's ESM maximum concurrency. */
    concurrency: z.number().int().min(1).max(1000),
    /** Total attempts, the first included. */
    attempts: z.number().int().min(1).max(100),
    backoff: z.strictObject({
      baseMs: z.number().int().min(0).max(MAX_BACKOFF_MS),
      maxMs: z.number().int().min(0).max(MAX_BACKOFF_MS),
    }),
    /** The consumer's time budget per batch (the Lambda timeout). */
    timeoutSeconds: z.number().int().min(1).max(900),
    batchSize: z.number().int().min(1).max(10_000),
    /** Lambda's MaximumBatchingWindowInSeconds. */
    batchWindowSeconds: z.number().int().min(0).max(300),
    visibilityTimeoutSeconds: z.number().int().min(0).max(MAX_VISIBILITY_TIMEOUT_SECONDS),
    messageRetentionDays: z.number().int().min(1).max(14),
    dlqRetentionDays: z.number().int().min(1).max(14),
    memoryMb: z.number().int().min(128).max(10_240),
    /** CPU-bound work (OCR, image resizing) blocks the event loop: BullMQ lock settings must allow for it. */
    cpuHeavy: z.boolean(),
  })
  .refine(
    (t) =>
      t.visibilityTimeoutSeconds >= VISIBILITY_TO_TIMEOUT_RATIO * t.timeoutSeconds + t.batchWindowSeconds,
    {
      message: `visibilityTimeoutSeconds must be at least ${VISIBILITY_TO_TIMEOUT_RATIO}× timeoutSeconds plus batchWindowSeconds`,
    },
  )
  .refine((t) => t.backoff.maxMs >= t.backoff.baseMs, { message: 'backoff.maxMs must be ≥ backoff.baseMs' })
  .refine((t) => t.batchSize <= 10 || t.batchWindowSeconds >= 1, {
    message: 'SQS event sources need a batch window of at least 1 s for batches above 10',
  });

export type QueueTopology = z.infer<typeof queueTopologySchema>;
export type Topology = { readonly [Q in QueueName]: QueueTopology };

type Defaults = Omit<QueueTopology, 'queue' | 'visibilityTimeoutSeconds'>;

function entry(queue: QueueName, d: Defaults): QueueTopology {
  return {
    queue,
    ...d,
    visibilityTimeoutSeconds: VISIBILITY_TO_TIMEOUT_RATIO * d.timeoutSeconds + d.batchWindowSeconds,
  };
}

const common = { messageRetentionDays: 4, dlqRetentionDays: 14 } as const;

/**
 * The single source of truth for how every queue runs. SST, the LocalStack
 * bootstrap, the embedded emulator and BullMQ all read it.
 */
export const DEFAULT_TOPOLOGY: Topology = {
  'invoice-processing': entry('invoice-processing', {
    ...common,
    concurrency: 4,
    attempts: 5,
    backoff: { baseMs: 5_000, maxMs: 15 * 60_000 },
    timeoutSeconds: 120,
    batchSize: 5,
    batchWindowSeconds: 0,
    memoryMb: 2048,
    cpuHeavy: true,
  }),
  thumbnail: entry('thumbnail', {
    ...common,
    concurrency: 4,
    attempts: 3,
    backoff: { baseMs: 2_000, maxMs: 5 * 60_000 },
    timeoutSeconds: 60,
    batchSize: 10,
    batchWindowSeconds: 0,
    memoryMb: 1536,
    cpuHeavy: true,
  }),
  'llm-summary': entry('llm-summary', {
    ...common,
    concurrency: 8,
    attempts: 5,
    backoff: { baseMs: 10_000, maxMs: 30 * 60_000 },
    timeoutSeconds: 300,
    batchSize: 1,
    batchWindowSeconds: 0,
    memoryMb: 1024,
    cpuHeavy: false,
  }),
  'email-sync': entry('email-sync', {
    ...common,
    concurrency: 2,
    attempts: 3,
    backoff: { baseMs: 30_000, maxMs: 30 * 60_000 },
    timeoutSeconds: 300,
    batchSize: 1,
    batchWindowSeconds: 0,
    memoryMb: 1024,
    cpuHeavy: false,
  }),
  automation: entry('automation', {
    ...common,
    concurrency: 4,
    attempts: 3,
    backoff: { baseMs: 10_000, maxMs: 10 * 60_000 },
    timeoutSeconds: 60,
    batchSize: 10,
    batchWindowSeconds: 0,
    memoryMb: 512,
    cpuHeavy: false,
  }),
  'webhook-delivery': entry('webhook-delivery', {
    ...common,
    concurrency: 32,
    // 1 min doubling to a 6 h cap: 13 attempts span roughly a day (15-26 h with jitter).
    attempts: 13,
    backoff: { baseMs: 60_000, maxMs: 6 * 60 * 60_000 },
    timeoutSeconds: 30,
    batchSize: 10,
    batchWindowSeconds: 0,
    memoryMb: 512,
    cpuHeavy: false,
  }),
};

/** `invoice-processing` → `INVOICE_PROCESSING`, for per-queue environment variables. */
export function queueEnvSuffix(queue: QueueName): string {
  return queue.toUpperCase().replace(/-/g, '_');
}

const positiveInt = z
  .string()
  .trim()
  .regex(/^\d{1,9}$/, 'must be a whole number')
  .transform(Number);

function readInt(
  env: Record<string, string | undefined>,
  name: string,
  problems: string[],
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const parsed = positiveInt.safeParse(raw);
  if (!parsed.success) {
    problems.push(
      `${name}=${JSON.stringify(raw.slice(0, 40))} ${parsed.error.issues[0]?.message ?? 'is invalid'}`,
    );
    return undefined;
  }
  return parsed.data;
}

/**
 * The topology with environment overrides applied and every invariant checked.
 *
 * - `JOB_CONCURRENCY_<QUEUE>` (e.g. `JOB_CONCURRENCY_INVOICE_PROCESSING=8`)
 * - `JOB_RETRY_ATTEMPTS` / `JOB_RETRY_ATTEMPTS_<QUEUE>`
 * - `JOB_RETRY_BACKOFF_MS` / `JOB_RETRY_BACKOFF_MS_<QUEUE>` (the base delay)
 *
 * @throws ConfigError naming every malformed variable at once.
 */
export function resolveTopology(
  env: Record<string, string | undefined> = {},
  base: Topology = DEFAULT_TOPOLOGY,
): Topology {
  const problems: string[] = [];
  const globalAttempts = readInt(env, 'JOB_RETRY_ATTEMPTS', problems);
  const globalBackoff = readInt(env, 'JOB_RETRY_BACKOFF_MS', problems);
  const out = {} as Record<QueueName, QueueTopology>;
  for (const queue of QUEUE_NAMES) {
    const suffix = queueEnvSuffix(queue);
    const current = base[queue];
    const concurrency = readInt(env, `JOB_CONCURRENCY_${suffix}`, problems);
    const attempts = readInt(env, `JOB_RETRY_ATTEMPTS_${suffix}`, problems) ?? globalAttempts;
    const baseMs = readInt(env, `JOB_RETRY_BACKOFF_MS_${suffix}`, problems) ?? globalBackoff;
    const candidate: QueueTopology = {
      ...current,
      concurrency: concurrency ?? current.concurrency,
      attempts: attempts ?? current.attempts,
      backoff: {
        baseMs: baseMs ?? current.backoff.baseMs,
        maxMs: Math.max(current.backoff.maxMs, baseMs ?? 0),
      },
    };
    const checked = queueTopologySchema.safeParse(candidate);
    if (!checked.success) {
      problems.push(
        `${queue}: ${checked.error.issues.map((i) => `${i.path.join('.') || 'topology'} ${i.message}`).join('; ')}`,
      );
      continue;
    }
    out[queue] = checked.data;
  }
  if (problems.length > 0) throw new ConfigError(`invalid job queue configuration: ${problems.join('; ')}`);
  return out;
}

/** Validates a hand-built topology (tests, infra) with the same rules as {@link resolveTopology}. */
export function validateQueueTopology(candidate: unknown): { ok: true } | { ok: false; problems: string[] } {
  const checked = queueTopologySchema.safeParse(candidate);
  return checked.success
    ? { ok: true }
    : {
        ok: false,
        problems: checked.error.issues.map((i) => `${i.path.join('.') || 'topology'}: ${i.message}`),
      };
}
