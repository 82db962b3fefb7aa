import {
  type AnyEnvelope,
  type Clock,
  CONSUMER_LOST,
  childSpan,
  consumerLostMessage,
  type DecodeFailure,
  decideRetry,
  decodeEnvelope,
  describeError,
  type EventBus,
  errorCode,
  type FaultHook,
  isConsumerLost,
  isInjectedFault,
  type JobAttemptOutcome,
  type JobHandler,
  type JobHandlers,
  type JobRecord,
  type JobResult,
  type JobStore,
  jobResultSchema,
  type LogFields,
  type Logger,
  type Metrics,
  parseTraceparent,
  type QueueName,
  reachFault,
  type Topology,
  type TraceContext,
  traceFields,
  writeThroughOutage,
} from '@paperlane/core';
import type { FairShareGate } from '../fair-share/gate';
import { Attempt } from './attempt';
import { jobEvent, publishSafely } from './job-events';
import { createLeaseKeeper, type LeaseKeeper } from './lease-keeper';
import type { Outcome } from './outcome';

import { runSettledHook, type SettledHook } from './settle';

export interface ProcessorDeps {
  store: JobStore;
  events: EventBus;
  handlers: JobHandlers;
  topology: Topology;
  clock: Clock;
  logger: Logger;
  /** How long a claim lasts unless renewed; a crashed consumer's job is taken over after it. */
  leaseMs: number;
  /** Slack after a retry's due time before the outbox sweeper re-sends it. */
  sweepGraceMs: number;
  random?: () => number;
  /**
   * Awaited after a job's final state is recorded (complete, or failed for good) and
   * before the message is acknowledged: the hook for durable follow-ups such as the
   * `job.completed` / `job.failed` webhook fan-out. With a hook, the final write also
   * sets the job's outbox marker (`settleAt`), cleared once the hook returns; if the
   * process dies first or the hook throws, the sweeper runs it again after
   * `sweepGraceMs`. So it must be idempotent. A throw never undoes the outcome.
   */
  onSettled?: SettledHook;
  /** Test-only: called between every pair of writes (see `FAULT_POINTS`). Undefined in production. */
  faults?: FaultHook;
  /** Where attempt durations and outcomes go (Prometheus, EMF); none recorded without it. */
  metrics?: Metrics;
  /** Fair share: a job runs only in one of its tenant's slots on its queue (see `createFairShareGate`). */
  fairShare?: FairShareGate;
}

/**
 * Records one attempt's end. `started` is `performance.now()` when the handler began; a job
 * failed before any handler ran (bad message, no handler, outlived attempts) counts with 0 ms.
 * `span` is the attempt's (none for a message that never became an attempt).
 */
function recordAttempt(
  deps: ProcessorDeps,
  job: Pick<JobRecord, 'queue' | 'attempts' | 'jobId'>,
  outcome: JobAttemptOutcome,
  started: number | undefined,
  span: TraceContext | undefined,
): void {
  if (!deps.metrics) return;
  const durationMs = started === undefined ? 0 : performance.now() - started;
  deps.metrics.jobAttempt({
    queue: job.queue,
    outcome,
    durationMs,
    attempt: job.attempts,
    jobId: job.jobId,
    ...(span ? { span } : {}),
  });
}

/** Runs the settled hook and clears the outbox marker (see {@link runSettledHook}). */
async function settled(job: JobRecord, deps: ProcessorDeps, logger: Logger): Promise<void> {
  await runSettledHook(job, { store: deps.store, onSettled: deps.onSettled, faults: deps.faults, logger });
}

/** The outbox marker's first due time, set by the final write when there are effects to follow. */
function settleDueAt(deps: ProcessorDeps, now: Date): { settleDueAt?: Date } {
  return deps.onSettled ? { settleDueAt: new Date(now.getTime() + deps.sweepGraceMs) } : {};
}

/** One message as a transport delivered it. */
export interface Delivery {
  /** The queue the message was consumed from; a message for another queue is dead-lettered. */
  queue: QueueName;
  body: unknown;
  messageId?: string;
  /** Aborts the running job (Lambda's time running out, worker shutdown). */
  signal?: AbortSignal;
  /** Extends the transport's hold on the message alongside the claim (SQS visibility). */
  extend?: (ms: number) => Promise<void>;
}

/** Results are shown to tenants and stored on the record: small JSON only. */
const MAX_RESULT_BYTES = 32 * 1024;

/**
 * The job lifecycle for delivered messages, identical on every transport:
 * decode → claim the record → run the job module → record the outcome → emit the
 * event → tell the transport what to do. Store failures propagate: the transport
 * leaves the message to come back, and the claim lapses.
 *
 * Create one per consumer: it shares one lease-renewal timer between its jobs.
 *
 * @example
 * const processor = createProcessor(deps);
 * const outcome = await processor.process({ queue: 'thumbnail', body: record.body });
 */
export function createProcessor(deps: ProcessorDeps) {
  const leases = createLeaseKeeper({
    leaseMs: deps.leaseMs,
    renew: async (claim) => {
      const alive = await deps.store.renewLease({ ...claim, now: deps.clock.now(), leaseMs: deps.leaseMs });
      if (alive) await claim.extend?.(deps.leaseMs);
      return alive;
    },
    onError: (claim, error) =>
      deps.logger.warn('lease renewal failed', { jobId: claim.jobId, error: describeError(error) }),
  });
  return {
    process: (delivery: Delivery): Promise<Outcome> => processDelivery(delivery, deps, leases),
  };
}

export type Processor = ReturnType<typeof createProcessor>;

/**
 * Not `async` on purpose: the accepted path adds no promise of its own. The attempt's
 * span travels explicitly (on the job's context, the logger, the metrics fact), never in
 * AsyncLocalStorage: entering it once makes Node 20 run promise hooks on every await of
 * the process (BullMQ's and ioredis's too), which cost a worker about a third of its CPU
 * per job (bench:queue).
 */
function processDelivery(delivery: Delivery, deps: ProcessorDeps, leases: LeaseKeeper): Promise<Outcome> {
  const decoded = decodeEnvelope(delivery.body);
  if (!decoded.ok) return deadLetterUndecodable(decoded, delivery, deps);
  const envelope = decoded.envelope;
  if (envelope.queue !== delivery.queue) {
    deps.logger.warn('message for another queue dead-lettered', {
      queue: delivery.queue,
      jobId: envelope.jobId,
      envelopeQueue: envelope.queue,
    });
    return Promise.resolve({
      kind: 'dead',
      reason: `message for ${envelope.queue} arrived on ${delivery.queue}`,
      code: 'wrong_queue',
    });
  }
  // This attempt is a span of the job's trace (a job enqueued before traces, or by a
  // caller with its own id, starts one): its logs carry it, and what it enqueues or
  // POSTs (follow-up jobs, webhooks) continues it through `ctx.span`.
  const span = childSpan(parseTraceparent(envelope.traceId));
  return deps.fairShare && !delivery.signal?.aborted
    ? runFairly(deps.fairShare, envelope, delivery, deps, leases, span)
    : runClaimed(envelope, delivery, deps, leases, span);
}

/** A message that is not a valid envelope: its record (if it names one) fails, the message dead-letters. */
async function deadLetterUndecodable(
  decoded: DecodeFailure,
  delivery: Delivery,
  deps: ProcessorDeps,
): Promise<Outcome> {
  const { store, clock } = deps;
  const logger = deps.logger.child({ queue: delivery.queue, messageId: delivery.messageId });
  logger.warn('undecodable message dead-lettered', { reason: decoded.reason, detail: decoded.message });
  if ('jobId' in decoded) {
    const now = clock.now();
    const failed = await store.fail({
      tenantId: decoded.tenantId,
      jobId: decoded.jobId,
      error: decoded.message,
      errorCode: 'invalid_message',
      now,
      ...settleDueAt(deps, now),
    });
    if (failed && deps.faults) await reachFault(deps.faults, 'after-fail');
    if (failed) {
      recordAttempt(deps, failed, 'failed', undefined, undefined);
      publishSafely(deps.events, jobEvent('job:failed', failed, clock.now()), logger);
      await settled(failed, deps, logger);
    }
  }
  return { kind: 'dead', reason: decoded.message, code: `invalid_message:${decoded.reason}` };
}

/**
 * Runs the delivery inside one of its tenant's slots when fair share is on. The slot is
 * freed (and the tenant's next held job let in) whenever this delivery is done with
 * the job, except when another consumer holds it (the slot is that holder's). A throw
 * (store outage) keeps the slot: the message returns and the same job re-enters it.
 * Without fair share (or once the delivery is aborted) the processor skips it.
 */
async function runFairly(
  gate: FairShareGate,
  envelope: AnyEnvelope,
  delivery: Delivery,
  deps: ProcessorDeps,
  leases: LeaseKeeper,
  span: TraceContext,
): Promise<Outcome> {
  const job = { tenantId: envelope.tenantId, queue: envelope.queue, jobId: envelope.jobId };
  if (!(await gate.enter(job))) return { kind: 'ack', reason: 'held' };
  const outcome = await runClaimed(envelope, delivery, deps, leases, span);
  if (!(outcome.kind === 'defer' && outcome.reason === 'leased')) await gate.leave(job);
  return outcome;
}

/**
 * A logger bound to one job, whose child logger is built only when something is logged
 * (most jobs log nothing here). One object per job, methods on the prototype; it also
 * carries the attempt's span to the outcome's metrics fact.
 */
class JobLogger implements Logger {
  private bound: Logger | undefined;

  constructor(
    private readonly deps: ProcessorDeps,
    private readonly envelope: AnyEnvelope,
    private readonly delivery: Delivery,
    readonly span: TraceContext,
  ) {}

  private get logger(): Logger {
    this.bound ??= this.deps.logger.child({
      queue: this.delivery.queue,
      messageId: this.delivery.messageId,
      jobId: this.envelope.jobId,
      tenantId: this.envelope.tenantId,
      ...traceFields(this.span),
    });
    return this.bound;
  }

  debug(message: string, fields?: LogFields): void {
    this.logger.debug(message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.logger.info(message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.logger.warn(message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.logger.error(message, fields);
  }
  child(fields: LogFields): Logger {
    return this.logger.child(fields);
  }
}

async function runClaimed(
  envelope: AnyEnvelope,
  delivery: Delivery,
  deps: ProcessorDeps,
  leases: LeaseKeeper,
  span: TraceContext,
): Promise<Outcome> {
  const { store, clock } = deps;
  const logger = new JobLogger(deps, envelope, delivery, span);
  if (delivery.signal?.aborted) {
    // No time left to run anything (the invocation is about to end): hand it back uncounted.
    return { kind: 'defer', reason: 'not-yet', delayMs: 0 } as const;
  }
  const claimedAt = clock.now();
  const claim = await store.claim({
    tenantId: envelope.tenantId,
    jobId: envelope.jobId,
    now: claimedAt,
    leaseMs: deps.leaseMs,
  });
  switch (claim.outcome) {
    case 'missing':
      logger.warn('message without a job record dead-lettered');
      return {
        kind: 'dead',
        reason: `no job record ${envelope.jobId} for this tenant`,
        code: 'job_not_found',
      } as const;
    case 'finished':
      if (isConsumerLost(claim.job)) {
        // The sweeper failed it while its message was away: the message belongs in the DLQ.
        return { kind: 'dead', reason: claim.job.lastError ?? CONSUMER_LOST, code: CONSUMER_LOST } as const;
      }
      logger.info('duplicate delivery of a finished job acknowledged', { status: claim.job.status });
      return { kind: 'ack', reason: 'already-finished' } as const;
    case 'not-yet':
      return {
        kind: 'defer',
        reason: 'not-yet',
        delayMs: claim.availableAt.getTime() - clock.now().getTime(),
      } as const;
    case 'leased':
      return {
        kind: 'defer',
        reason: 'leased',
        delayMs: claim.leaseUntil.getTime() - clock.now().getTime(),
      } as const;
    case 'claimed':
      break;
  }
  if (deps.faults) await reachFault(deps.faults, 'after-claim');
  const job = claim.job;
  if (job.attempts > job.maxAttempts) {
    // The last attempt's consumer died before the sweeper noticed: don't run a job that may be what killed it.
    logger.warn('job outlived its last attempt; failed and dead-lettered', { attempts: job.attempts - 1 });
    return finishFailed(job, consumerLostMessage(job.maxAttempts), CONSUMER_LOST, deps, logger, delivery);
  }
  const handler = deps.handlers[envelope.queue] as JobHandler | undefined;
  if (!handler) {
    return finishFailed(
      job,
      `no handler registered for queue ${envelope.queue}`,
      'config_error',
      deps,
      logger,
    );
  }
  // Stamped with the claim's instant, the record's `startedAt`: one clock read fewer per job.
  publishSafely(deps.events, jobEvent('job:started', job, claimedAt), logger);
  // The attempt runs in this same async function: a second one cost every job its own
  // promise, frame and tick.
  const attempt = new Attempt(job, envelope, delivery, deps, logger);
  const started = performance.now();
  const held = leases.hold(attempt);
  // Past the handler, a throw is the store's (the outcome could not be written), not the job's:
  // it propagates and the transport hands the message back, instead of scheduling a retry of done work.
  let handled = false;
  try {
    const result = await handler(attempt);
    handled = true;
    if (deps.faults) await reachFault(deps.faults, 'after-handler');
    const checked = checkResult(result);
    if (!checked.ok)
      return await finishFailed(job, checked.message, 'result_invalid', deps, logger, delivery, started);
    // The instant of the write that landed (a retry through an outage reads the clock again),
    // which the event reuses.
    let completedAt: Date | undefined;
    const done = await writeThroughOutage(
      () => {
        completedAt = deps.clock.now();
        const input: Parameters<JobStore['complete']>[0] = {
          tenantId: job.tenantId,
          jobId: job.jobId,
          attempt: job.attempts,
          now: completedAt,
        };
        if (checked.result) input.result = checked.result;
        if (deps.onSettled) input.settleDueAt = new Date(completedAt.getTime() + deps.sweepGraceMs);
        return deps.store.complete(input);
      },
      persistOptions(deps, delivery, logger),
    );
    if (!done) return await afterLostClaim(job, deps, logger);
    if (deps.faults) await reachFault(deps.faults, 'after-complete');
    recordAttempt(deps, done, 'completed', started, logger.span);
    publishSafely(deps.events, jobEvent('job:complete', done, completedAt ?? deps.clock.now()), logger);
    if (deps.onSettled) await settled(done, deps, logger);
    return COMPLETED;
  } catch (error) {
    if (handled || isInjectedFault(error)) throw error;
    if (attempt.lostClaim) return afterLostClaim(job, deps, logger);
    return afterError(job, error, deps, logger, delivery, started);
  } finally {
    leases.release(held);
    attempt.dispose();
  }
}

function persistOptions(deps: ProcessorDeps, delivery: Delivery | undefined, logger: Logger) {
  return { deadlineMs: deps.leaseMs, signal: delivery?.signal, logger };
}

/** The outcome of nearly every job, shared rather than built per job. */
const COMPLETED: Outcome = Object.freeze({ kind: 'ack', reason: 'completed' });
const NO_RESULT = Object.freeze({ ok: true });

function checkResult(
  result: JobResult | undefined,
): { readonly ok: true; readonly result?: JobResult } | { ok: false; message: string } {
  if (result === undefined) return NO_RESULT;
  const parsed = jobResultSchema.safeParse(result);
  if (!parsed.success) return { ok: false, message: 'job returned a result that is not a JSON object' };
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(parsed.data), 'utf8');
  } catch {
    return { ok: false, message: 'job returned a result that cannot be serialised' };
  }
  if (size > MAX_RESULT_BYTES)
    return { ok: false, message: `job result is ${size} bytes; the limit is ${MAX_RESULT_BYTES}` };
  return { ok: true, result: parsed.data };
}

async function afterError(
  job: JobRecord,
  error: unknown,
  deps: ProcessorDeps,
  logger: JobLogger,
  delivery: Delivery,
  started: number,
): Promise<Outcome> {
  const { store, clock } = deps;
  const backoff = deps.topology[job.queue].backoff;
  const decision = decideRetry({
    error,
    attempt: job.attempts,
    maxAttempts: job.maxAttempts,
    backoff,
    random: deps.random,
  });
  if (!decision.retry) {
    logger.warn('job failed', { attempt: job.attempts, reason: decision.reason, error: decision.message });
    return finishFailed(job, decision.message, errorCode(error), deps, logger, delivery, started);
  }
  const now = clock.now();
  const availableAt = new Date(now.getTime() + decision.delayMs);
  const message = describeError(error);
  logger.info('job attempt failed; retrying', {
    attempt: job.attempts,
    delayMs: decision.delayMs,
    error: message,
  });
  const pending = await writeThroughOutage(
    () =>
      store.scheduleRetry({
        tenantId: job.tenantId,
        jobId: job.jobId,
        attempt: job.attempts,
        error: message,
        errorCode: errorCode(error),
        now,
        availableAt,
        sweepAt: new Date(availableAt.getTime() + deps.sweepGraceMs),
      }),
    persistOptions(deps, delivery, logger),
  );
  if (!pending) return afterLostClaim(job, deps, logger);
  if (deps.faults) await reachFault(deps.faults, 'after-retry');
  recordAttempt(deps, pending, 'retried', started, logger.span);
  publishSafely(deps.events, jobEvent('job:retrying', pending, clock.now()), logger);
  return { kind: 'retry', delayMs: decision.delayMs, error: message };
}

async function finishFailed(
  job: JobRecord,
  message: string,
  code: string,
  deps: ProcessorDeps,
  logger: JobLogger,
  delivery?: Delivery,
  started?: number,
): Promise<Outcome> {
  const failed = await writeThroughOutage(
    () => {
      const now = deps.clock.now();
      return deps.store.fail({
        tenantId: job.tenantId,
        jobId: job.jobId,
        attempt: job.attempts,
        error: message,
        errorCode: code,
        now,
        ...settleDueAt(deps, now),
      });
    },
    persistOptions(deps, delivery, logger),
  );
  if (!failed) return afterLostClaim(job, deps, logger);
  if (deps.faults) await reachFault(deps.faults, 'after-fail');
  recordAttempt(deps, failed, 'failed', started, logger.span);
  publishSafely(deps.events, jobEvent('job:failed', failed, deps.clock.now()), logger);
  await settled(failed, deps, logger);
  return { kind: 'dead', reason: message, code };
}

/** Our fenced write was refused: the job was cancelled, or another consumer took it over. */
async function afterLostClaim(
  ref: { tenantId: string; jobId: string },
  deps: ProcessorDeps,
  logger: Logger,
): Promise<Outcome> {
  const current = await deps.store.get(ref);
  if (current?.status === 'cancelled') {
    logger.info('job was cancelled while running; result discarded');
    publishSafely(deps.events, jobEvent('job:cancelled', current, deps.clock.now()), logger);
    return { kind: 'ack', reason: 'cancelled' };
  }
  logger.warn('claim lost to another consumer; acknowledging this delivery', { status: current?.status });
  return { kind: 'ack', reason: 'claim-lost' };
}
