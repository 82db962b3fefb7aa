import {
  type AnyEnvelope,
  type Clock,
  currentTrace,
  describeError,
  type EnqueueOptions,
  type EnqueueRequest,
  type EnqueueResult,
  formatTraceparent,
  type JobQueue,
  type JobRecord,
  type JobStore,
  jobTarget,
  type Logger,
  newId,
  type PayloadOf,
  parsePayload,
  type QueueName,
  stableId,
  startTrace,
  type Topology,
  ValidationError,
} from '@paperlane/core';
import type { Admission } from '../fair-share/admission';
import type { OutgoingMessage, SendFailure, Transport } from './transport';

export interface DispatcherDeps {
  store: JobStore;
  /** Tried first (e.g. BullMQ). */
  transport: Transport;
  /** Used while the primary is unreachable (e.g. SQS when Redis is down). */
  fallback?: Transport;
  topology: Topology;
  clock: Clock;
  logger: Logger;
  /** How long an unclaimed job may sit before the sweeper re-sends it. */
  sweepGraceMs: number;
  /** After a primary failure, skip it for this long instead of waiting on it for every job. */
  primaryCooldownMs?: number;
  /**
   * Fair share: a new job that is due now is sent only if its tenant has a free slot on
   * its queue; the rest wait in the tenant's backlog until {@link Dispatcher.admitHeld}.
   */
  admission?: Admission;
}

const MAX_DELAY_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * Enqueues jobs: validates the payload, writes the job record, then sends the
 * message. A record without a sent message is not lost — the outbox sweeper
 * sends it later — so a send failure never fails the caller.
 */
export function createDispatcher(deps: DispatcherDeps): JobQueue & {
  resend(jobs: readonly JobRecord[]): Promise<Set<string>>;
  admitHeld(scope: { tenantId: string; queue: QueueName }): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
} {
  let primaryDownUntil = 0;

  function buildRecordInput(request: EnqueueRequest, now: Date) {
    const parsed = parsePayload(request.queue, request.payload);
    if (!parsed.ok) {
      throw new ValidationError(`invalid ${request.queue} payload: ${parsed.message}`, {
        code: 'invalid_payload',
      });
    }
    const payload = parsed.payload as PayloadOf<QueueName> & { tenantId: string };
    const delayMs = request.delayMs ?? 0;
    if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
      throw new ValidationError('delayMs must be between 0 and one year', { code: 'invalid_delay' });
    }
    if (
      request.dedupeKey !== undefined &&
      (request.dedupeKey.length === 0 || request.dedupeKey.length > 256)
    ) {
      throw new ValidationError('dedupeKey must be 1-256 characters', { code: 'invalid_dedupe_key' });
    }
    const tenantId = payload.tenantId;
    const jobId = request.dedupeKey
      ? stableId('job', tenantId, request.queue, request.dedupeKey)
      : newId('job', now.getTime());
    const runAt = request.runAt?.getTime();
    if (runAt !== undefined && !(runAt - now.getTime() <= MAX_DELAY_MS)) {
      throw new ValidationError('runAt must be a date at most one year ahead', { code: 'invalid_delay' });
    }
    const availableAt = new Date(
      runAt === undefined ? now.getTime() + delayMs : Math.max(now.getTime(), runAt),
    );
    return {
      tenantId,
      jobId,
      queue: request.queue,
      payload: payload as Record<string, unknown>,
      priority: request.priority ?? 'high',
      // The span of whatever enqueued it (a job attempt names itself in `parent`; the HTTP layer's
      // span is in AsyncLocalStorage): it travels in the envelope and the record, and each attempt is
      // its child. The enqueuer's own span, not a new one, because only spans that measured something
      // are exported: a stamped child would leave every attempt's parent missing from the trace.
      traceId: request.traceId ?? formatTraceparent(request.parent ?? currentTrace() ?? startTrace()),
      maxAttempts: deps.topology[request.queue].attempts,
      ...(request.dedupeKey ? { dedupeKey: request.dedupeKey } : {}),
      ...(request.documentId ? { documentId: request.documentId } : {}),
      ...(request.sessionId ? { sessionId: request.sessionId } : {}),
      ...jobTarget(request.queue, payload),
      now,
      availableAt,
      sweepAt: new Date(availableAt.getTime() + deps.sweepGraceMs),
    };
  }

  async function sendVia(transport: Transport, messages: OutgoingMessage[]): Promise<SendFailure[]> {
    try {
      return await transport.send(messages);
    } catch (error) {
      return messages.map((m) => ({ jobId: m.envelope.jobId, error }));
    }
  }

  /** Sends messages through the primary, then the fallback; returns the job ids nobody took. */
  async function send(messages: OutgoingMessage[]): Promise<Set<string>> {
    if (messages.length === 0) return new Set();
    let pending = messages;
    const now = deps.clock.now().getTime();
    if (now >= primaryDownUntil) {
      const failures = await sendVia(deps.transport, pending);
      if (failures.length > 0) {
        deps.logger.warn('primary transport refused messages', {
          transport: deps.transport.name,
          count: failures.length,
          error: describeError(failures[0]?.error),
        });
        if (failures.length === pending.length) primaryDownUntil = now + (deps.primaryCooldownMs ?? 5_000);
      }
      const failed = new Set(failures.map((f) => f.jobId));
      pending = pending.filter((m) => failed.has(m.envelope.jobId));
    }
    if (pending.length > 0 && deps.fallback) {
      const failures = await sendVia(deps.fallback, pending);
      const failed = new Set(failures.map((f) => f.jobId));
      if (failures.length > 0) {
        deps.logger.warn('fallback transport refused messages', {
          transport: deps.fallback.name,
          count: failures.length,
          error: describeError(failures[0]?.error),
        });
      }
      pending = pending.filter((m) => failed.has(m.envelope.jobId));
    }
    if (pending.length > 0) {
      deps.logger.warn('messages left for the sweeper', { count: pending.length });
    }
    return new Set(pending.map((m) => m.envelope.jobId));
  }

  /** Records and sends many jobs, batching the sends; validates all before writing any. */
  async function enqueueMany(requests: readonly EnqueueRequest[]): Promise<EnqueueResult[]> {
    const now = deps.clock.now();
    const inputs = requests.map((request) => buildRecordInput(request, now));
    const created = await Promise.all(inputs.map((input) => deps.store.create(input)));
    const fresh = created.filter((c) => c.created).map((c) => c.job);
    const held = await admitNew(fresh, now);
    const unsent = await send(fresh.filter((job) => !held.has(job.jobId)).map((job) => toMessage(job, now)));
    return created.map(({ job, created: isNew }) => ({
      job,
      created: isNew,
      sent: isNew ? !unsent.has(job.jobId) && !held.has(job.jobId) : false,
    }));
  }

  /**
   * Takes slots for the new jobs that are due now, in order per tenant and queue; from a
   * tenant's first refusal on, the rest of its batch goes straight to its backlog (they
   * are behind the refused one anyway). Jobs due later are admitted when they are
   * delivered. Returns the held job ids.
   */
  async function admitNew(jobs: readonly JobRecord[], now: Date): Promise<Set<string>> {
    const held = new Set<string>();
    const admission = deps.admission;
    if (!admission) return held;
    const full = new Set<string>();
    const toHold: JobRecord[] = [];
    for (const job of jobs) {
      if (new Date(job.availableAt) > now) continue;
      const key = `${job.tenantId}#${job.queue}`;
      if (full.has(key) || !(await admission.admit(job))) {
        full.add(key);
        toHold.push(job);
      }
    }
    await Promise.all(toHold.map((job) => admission.hold(job)));
    for (const job of toHold) held.add(job.jobId);
    return held;
  }

  return {
    /**
     * Records and sends one job.
     *
     * @example await dispatcher.enqueue('thumbnail', { tenantId, documentId }, { sessionId })
     * @throws ValidationError for a payload that fails its queue's schema (nothing is written).
     */
    async enqueue<Q extends QueueName>(queue: Q, payload: PayloadOf<Q>, options: EnqueueOptions = {}) {
      const [result] = await enqueueMany([{ ...options, queue, payload } as EnqueueRequest]);
      return result as EnqueueResult;
    },

    enqueueMany,

    /** Sends messages for existing pending records (the sweeper, a retry by hand). */
    async resend(jobs: readonly JobRecord[]): Promise<Set<string>> {
      const now = deps.clock.now();
      return send(jobs.map((job) => ({ ...toMessage(job, now), resend: true })));
    },

    /**
     * Fair share: admits the tenant's oldest held jobs on `queue` while it has free slots
     * and sends them; returns how many. Called when a job leaves its slot, and by the
     * sweeper for backlogs whose last release was lost.
     */
    async admitHeld(scope) {
      if (!deps.admission) return 0;
      const jobs = await deps.admission.admitHeld(scope);
      if (jobs.length === 0) return 0;
      const now = deps.clock.now();
      // A send that fails leaves pending records with a sweep time: the sweeper re-sends them.
      await send(jobs.map((job) => ({ ...toMessage(job, now), resend: true })));
      return jobs.length;
    },

    /** Resolves when the primary transport answers. */
    ping: async () => {
      await deps.transport.ping?.();
    },

    close: async () => {
      await Promise.allSettled([deps.transport.close(), deps.fallback?.close()]);
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

/** The message for a record as it stands now. */
export function toMessage(job: JobRecord, now: Date): OutgoingMessage {
  const availableAt = new Date(job.availableAt);
  const envelope = {
    version: 1,
    jobId: job.jobId,
    queue: job.queue,
    tenantId: job.tenantId,
    payload: job.payload,
    traceId: job.traceId,
    enqueuedAt: now.toISOString(),
    priority: job.priority,
    generation: job.generation,
    ...(job.dedupeKey ? { dedupeKey: job.dedupeKey } : {}),
    ...(availableAt > now ? { notBefore: job.availableAt } : {}),
  } as AnyEnvelope;
  return { envelope, delayMs: Math.max(0, availableAt.getTime() - now.getTime()) };
}
