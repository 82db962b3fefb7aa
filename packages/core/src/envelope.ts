import { z } from 'zod';
import { ValidationError } from './errors';
import {
  type AnyPayload,
  idSchema,
  type PayloadOf,
  payloadSchemas,
  type QueueName,
  queueNameSchema,
} from './queues';

export const ENVELOPE_VERSION = 1;

/**
 * Messages carry references, so they are small; 256 KiB keeps them under every
 * transport's limit (SQS allows 1 MiB, but a large message means a payload
 * smuggling content that belongs in the blob store).
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export const PRIORITIES = ['high', 'low'] as const;
export const prioritySchema = z.enum(PRIORITIES);
/** `high` is user-triggered work; `low` is batch work (bulk retries, automations) that must not starve it. */
export type Priority = z.infer<typeof prioritySchema>;

const baseEnvelopeSchema = z.strictObject({
  version: z.literal(ENVELOPE_VERSION),
  jobId: idSchema,
  queue: queueNameSchema,
  tenantId: idSchema,
  payload: z.record(z.string(), z.unknown()),
  traceId: z.string().min(1).max(128),
  enqueuedAt: z.iso.datetime(),
  priority: prioritySchema,
  dedupeKey: z.string().min(1).max(256).optional(),
  /** Not to run before this instant (delays, retries); transports deliver early messages back later. */
  notBefore: z.iso.datetime().optional(),
  /** Bumped when a finished job is retried by hand, so transports that dedupe by id accept it again. */
  generation: z.number().int().min(0).max(1_000_000).default(0),
});

export type Envelope<Q extends QueueName = QueueName> = Omit<
  z.infer<typeof baseEnvelopeSchema>,
  'queue' | 'payload'
> & {
  queue: Q;
  payload: PayloadOf<Q>;
};
export type AnyEnvelope = { [Q in QueueName]: Envelope<Q> }[QueueName];
export type EnvelopeInput = z.input<typeof baseEnvelopeSchema>;

export type DecodeFailure =
  | { ok: false; reason: 'too-large' | 'not-json' | 'invalid-envelope' | 'unknown-queue'; message: string }
  | {
      ok: false;
      reason: 'invalid-payload' | 'tenant-mismatch';
      message: string;
      /** The envelope parsed, so its job record can be marked failed with the reason. */
      jobId: string;
      tenantId: string;
      queue: QueueName;
    };
export type DecodeResult = { ok: true; envelope: AnyEnvelope } | DecodeFailure;

function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Validates a payload for a queue; throws nothing, so callers choose the error class. */
export function parsePayload<Q extends QueueName>(
  queue: Q,
  payload: unknown,
): { ok: true; payload: PayloadOf<Q> } | { ok: false; message: string } {
  const result = payloadSchemas[queue].safeParse(payload);
  return result.success
    ? { ok: true, payload: result.data as PayloadOf<Q> }
    : { ok: false, message: formatIssues(result.error) };
}

/**
 * Decodes a message body from any transport. Never throws: hostile input becomes a
 * failure with a reason the consumer can log, record on the job, or dead-letter.
 */
export function decodeEnvelope(body: unknown): DecodeResult {
  let value: unknown = body;
  if (typeof body === 'string') {
    if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES) {
      return { ok: false, reason: 'too-large', message: `message exceeds ${MAX_MESSAGE_BYTES} bytes` };
    }
    try {
      value = JSON.parse(body);
    } catch {
      return { ok: false, reason: 'not-json', message: 'message body is not JSON' };
    }
  }
  if (typeof value === 'object' && value !== null && 'queue' in value) {
    const queue = (value as { queue: unknown }).queue;
    if (!queueNameSchema.safeParse(queue).success) {
      return {
        ok: false,
        reason: 'unknown-queue',
        message: `unknown queue ${JSON.stringify(queue)?.slice(0, 80)}`,
      };
    }
  }
  const parsed = baseEnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'invalid-envelope',
      message: `invalid envelope: ${formatIssues(parsed.error)}`,
    };
  }
  const envelope = parsed.data;
  const where = { jobId: envelope.jobId, tenantId: envelope.tenantId, queue: envelope.queue };
  const payload = parsePayload(envelope.queue, envelope.payload);
  if (!payload.ok) {
    return {
      ok: false,
      reason: 'invalid-payload',
      message: `invalid ${envelope.queue} payload: ${payload.message}`,
      ...where,
    };
  }
  if ((payload.payload as AnyPayload).tenantId !== envelope.tenantId) {
    return {
      ok: false,
      reason: 'tenant-mismatch',
      message: 'payload tenantId differs from the envelope',
      ...where,
    };
  }
  return { ok: true, envelope: { ...envelope, payload: payload.payload } as AnyEnvelope };
}

/** Serialises an envelope, refusing ones over {@link MAX_MESSAGE_BYTES}. */
export function encodeEnvelope(envelope: AnyEnvelope): string {
  const body = JSON.stringify(envelope);
  if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES) {
    throw new ValidationError(`envelope for job ${envelope.jobId} exceeds ${MAX_MESSAGE_BYTES} bytes`, {
      code: 'message_too_large',
    });
  }
  return body;
}
