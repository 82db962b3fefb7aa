import { idSchema, type JobEvent, type RealtimeEvent, type SessionCounts } from '@paperlane/core';
import { z } from 'zod';

/**
 * The realtime wire protocol, shared by the Node WebSocket server, the SSE route and
 * the API Gateway WebSocket handler. Clients send small JSON commands; the server
 * sends job events (snake_case, like the REST presenters) and replies.
 */

/** What a client may follow: every job of an upload session, or one job. */
export type SubscriptionTarget = { kind: 'session'; id: string } | { kind: 'job'; id: string };

/** Limits per connection; the transports enforce `maxMessageBytes` before parsing too. */
export interface RealtimeLimits {
  /** Largest client message accepted, in bytes. */
  maxMessageBytes: number;
  /** Subscriptions one connection may hold; more are refused with `too_many_subscriptions`. */
  maxSubscriptions: number;
  /** An unauthenticated connection is closed after this long. */
  authTimeoutMs: number;
  /** Invalid messages tolerated before the connection is closed. */
  maxInvalidMessages: number;
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  maxMessageBytes: 4096,
  maxSubscriptions: 100,
  authTimeoutMs: 10_000,
  maxInvalidMessages: 20,
};

/** Close codes (4000-4999 are the application's own range). */
export const CLOSE_CODES = {
  unauthenticated: 4401,
  authTimeout: 4408,
  tooManyErrors: 4400,
  slowConsumer: 4429,
  tooLarge: 1009,
  goingAway: 1001,
} as const;

const tokenSchema = z.string().regex(/^[A-Za-z0-9_.-]{10,8192}$/, 'must be a compact JWT');

const targetFields = {
  session_id: idSchema.optional(),
  job_id: idSchema.optional(),
};
const exactlyOneTarget = (m: { session_id?: string | undefined; job_id?: string | undefined }) =>
  (m.session_id === undefined) !== (m.job_id === undefined);
const targetMessage = {
  message: 'send exactly one of session_id or job_id',
};

/** Every message a client may send. Unknown actions and extra fields are refused. */
export const clientMessageSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('auth'), token: tokenSchema }),
  z.strictObject({ action: z.literal('subscribe'), ...targetFields }).refine(exactlyOneTarget, targetMessage),
  z
    .strictObject({ action: z.literal('unsubscribe'), ...targetFields })
    .refine(exactlyOneTarget, targetMessage),
  z.strictObject({ action: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** What the server sends besides job events. */
export type ServerReply =
  | { type: 'authenticated'; tenant_id: string; user_id: string }
  | { type: 'subscribed'; session_id?: string; job_id?: string }
  | { type: 'unsubscribed'; session_id?: string; job_id?: string }
  | { type: 'pong' }
  | { type: 'error'; code: RealtimeErrorCode; message: string }
  /** SSE only: the `Last-Event-ID` is outside the resume window (or unreadable); a snapshot follows. */
  | { type: 'resume_failed'; message: string };

export type RealtimeErrorCode =
  | 'invalid_message'
  | 'message_too_large'
  | 'binary_not_supported'
  | 'auth_required'
  | 'invalid_token'
  | 'already_authenticated'
  | 'not_found'
  | 'too_many_subscriptions'
  | 'internal';

/** A job event as clients see it. */
export interface JobEventView {
  type: JobEvent['type'];
  job_id: string;
  queue: JobEvent['queue'];
  status: JobEvent['status'];
  progress: number;
  attempt: number;
  session_id?: string;
  document_id?: string;
  error?: string;
  result?: Record<string, unknown>;
  at: string;
}

/** Every job of a session reached a final state; sent once per session. */
export interface SessionCompletedView {
  type: 'session:completed';
  session_id: string;
  counts: SessionCounts;
  at: string;
}

/** A session's totals as its records stand. */
export interface SessionSnapshotView {
  session_id: string;
  status: 'open' | 'complete';
  /** The jobs ingest started for the session's files (follow-up jobs such as summaries come on top). */
  expected_jobs: number;
  complete: number;
  failed: number;
  cancelled: number;
  /** When the last job finished (status `complete`). */
  completed_at?: string;
}

/**
 * Sent right after `subscribed`: the current state of the job, or of every job of the
 * session (at most {@link SNAPSHOT_MAX_JOBS}, newest first; `truncated` says more exist),
 * each as a job event of its current status. Live events follow.
 */
export interface SnapshotMessage {
  type: 'snapshot';
  session_id?: string;
  job_id?: string;
  jobs: JobEventView[];
  truncated: boolean;
  session?: SessionSnapshotView;
  at: string;
}

/** The most jobs one snapshot carries. */
export const SNAPSHOT_MAX_JOBS = 200;

export type ServerMessage = ServerReply | JobEventView | SessionCompletedView | SnapshotMessage;

/**
 * The client view of a job event: snake_case, and without the tenant (the client
 * only ever receives its own).
 *
 * @example presentJobEvent(event) // { type: 'job:progress', job_id: 'job_1', progress: 40, ... }
 */
export function presentJobEvent(event: JobEvent): JobEventView {
  return {
    type: event.type,
    job_id: event.jobId,
    queue: event.queue,
    status: event.status,
    progress: event.progress,
    attempt: event.attempt,
    ...(event.sessionId ? { session_id: event.sessionId } : {}),
    ...(event.documentId ? { document_id: event.documentId } : {}),
    ...(event.error ? { error: event.error } : {}),
    ...(event.result ? { result: event.result } : {}),
    at: event.at,
  };
}

/**
 * The client view of any bus event.
 *
 * @example presentEvent({ type: 'session:completed', tenantId, sessionId, counts, at }) // { type, session_id, counts, at }
 */
export function presentEvent(event: RealtimeEvent): JobEventView | SessionCompletedView {
  if (event.type === 'session:completed') {
    return { type: event.type, session_id: event.sessionId, counts: event.counts, at: event.at };
  }
  return presentJobEvent(event);
}

/** Whether an event concerns a target; the tenant is checked by the caller. A job's follower hears nothing of its session. */
export function eventMatches(event: RealtimeEvent, target: SubscriptionTarget): boolean {
  if (event.type === 'session:completed') return target.kind === 'session' && event.sessionId === target.id;
  return target.kind === 'session' ? event.sessionId === target.id : event.jobId === target.id;
}

/** A stable key for a target (`session:<id>`, `job:<id>`); ids never contain `:`-free ambiguity issues since the kind prefixes it. */
export function targetKey(target: SubscriptionTarget): string {
  return `${target.kind}:${target.id}`;
}

/** The reply fields naming a target. */
export function targetFieldsOf(target: SubscriptionTarget): { session_id: string } | { job_id: string } {
  return target.kind === 'session' ? { session_id: target.id } : { job_id: target.id };
}

export type ParsedClientMessage =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: 'invalid_message' | 'message_too_large' | 'binary_not_supported'; message: string };

/**
 * Validates one raw client message: size first (before any parsing), then JSON, then
 * the schema. Never throws.
 *
 * @example parseClientMessage('{"action":"ping"}', { maxMessageBytes: 4096 })
 */
export function parseClientMessage(
  raw: string | Uint8Array,
  options: { maxMessageBytes: number; binary?: boolean },
): ParsedClientMessage {
  if (options.binary) {
    return { ok: false, code: 'binary_not_supported', message: 'send text frames with JSON' };
  }
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (bytes > options.maxMessageBytes) {
    return {
      ok: false,
      code: 'message_too_large',
      message: `messages are limited to ${options.maxMessageBytes} bytes`,
    };
  }
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid_message', message: 'messages must be JSON' };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, code: 'invalid_message', message: `${where}${issue?.message ?? 'invalid message'}` };
  }
  return { ok: true, message: parsed.data };
}

/** The target named by a subscribe/unsubscribe message. */
export function targetOf(message: {
  session_id?: string | undefined;
  job_id?: string | undefined;
}): SubscriptionTarget {
  return message.session_id !== undefined
    ? { kind: 'session', id: message.session_id }
    : { kind: 'job', id: message.job_id ?? '' };
}
