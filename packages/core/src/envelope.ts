import { z } from 'zod';
import { ValidationError } from './errors';
import {
  type AnyPayload,
  idSchema,
  isQueueName,
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
 * The envelope of one queue with its payload schema in place: a delivered message is checked in
 * one pass (no intermediate record copy, no second parse, no spread). Built on a queue's first
 * message, so a process that never consumes a queue never builds its schema.
 */
const queueEnvelopeSchemas: Partial<Record<QueueName, z.ZodType<AnyEnvelope>>> = {};

function queueEnvelopeSchema(queue: QueueName): z.ZodType<AnyEnvelope> {
  let schema = queueEnvelopeSchemas[queue];
  if (!schema) {
    schema = baseEnvelopeSchema.extend({
      queue: z.literal(queue),
      payload: payloadSchemas[queue],
    }) as unknown as z.ZodType<AnyEnvelope>;
    queueEnvelopeSchemas[queue] = schema;
  }
  return schema;
}

/**
 * Decodes a message body from any transport. Never throws: hostile input becomes a
 * failure with a reason the consumer can log, record on the job, or dead-letter.
 *
 * @example
 * const decoded = decodeEnvelope(record.body);
 * if (!decoded.ok) console.warn(decoded.reason, decoded.message);
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
    if (!isQueueName(queue)) {
      return {
        ok: false,
        reason: 'unknown-queue',
        message: `unknown queue ${JSON.stringify(queue)?.slice(0, 80)}`,
      };
    }
    // Almost every message is valid: one pass over envelope and payload. A failure is
    // decoded again in two steps below, which tell an invalid envelope from an invalid
    // payload (whose job record is then failed) and word the reason.
    const parsed = queueEnvelopeSchema(queue).safeParse(value);
    if (parsed.success) {
      const envelope = parsed.data;
      return envelope.payload.tenantId === envelope.tenantId
        ? { ok: true, envelope }
        : tenantMismatch(envelope);
    }
  }
  return decodeInSteps(value);
}

function tenantMismatch(envelope: Pick<AnyEnvelope, 'jobId' | 'tenantId' | 'queue'>): DecodeFailure {
  return {
    ok: false,
    reason: 'tenant-mismatch',
    message: 'payload tenantId differs from the envelope',
    jobId: envelope.jobId,
    tenantId: envelope.tenantId,
    queue: envelope.queue,
  };
}

/** The envelope, then its queue's payload: slower than one pass, but says which part failed. */
function decodeInSteps(value: unknown): DecodeResult {
  const parsed = baseEnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'invalid-envelope',
      message: `invalid envelope: ${formatIssues(parsed.error)}`,
    };
  }
  const envelope = parsed.data;
  const payload = parsePayload(envelope.queue, envelope.payload);
  if (!payload.ok) {
    return {
      ok: false,
      reason: 'invalid-payload',
      message: `invalid ${envelope.queue} payload: ${payload.message}`,
      jobId: envelope.jobId,
      tenantId: envelope.tenantId,
      queue: envelope.queue,
    };
  }
  if ((payload.payload as AnyPayload).tenantId !== envelope.tenantId) return tenantMismatch(envelope);
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
