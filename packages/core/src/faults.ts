/**
 * Named points between the writes of a job's lifecycle, where a test (or a chaos run
 * that SIGKILLs the process) can make the process "die". Each sits right after one
 * durable write and before the next, so a death there leaves exactly the state that
 * write produced; recovery (redelivery, lease lapse, the sweeper) must finish the job
 * and its effects exactly once from there.
 */
export const FAULT_POINTS = [
  /** The claim is written (processing, attempts + 1); the handler has not run. */
  'after-claim',
  /** The handler returned; nothing about its outcome is written. */
  'after-handler',
  /** `complete` (with its outbox marker) is written; no event, no settled hook. */
  'after-complete',
  /** `fail` (with its outbox marker) is written: handler failure, consumer lost, undecodable message. */
  'after-fail',
  /** A retry is scheduled (pending until its backoff); the transport has not been told. */
  'after-retry',
  /** The sweeper took a due outbox marker (moved it on); the settled hook has not run. */
  'after-settle-take',
  /** Settled hook: the invoice/document status of a lost last attempt is written. */
  'after-target-status',
  /** Settled hook: one webhook delivery record is written; its delivery job is not. */
  'after-delivery-record',
  /** Settled hook: the webhook-delivery jobs are recorded and sent. */
  'after-delivery-enqueue',
  /** The settled hook returned; the outbox marker is still set. */
  'after-hook',
  /** The outbox marker is cleared; the transport has not been told (the message is not acked). */
  'after-settle-clear',
  /**
   * Settled hook: the job's upload session is written complete (with its counts); its
   * `session:completed` announcement is neither claimed nor sent.
   */
  'after-session-complete',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

/**
 * Called at each {@link FaultPoint}. Undefined in production. A test throws to make the
 * in-flight work stop there (no further writes by it); a chaos run kills the process.
 *
 * @example const faults: FaultHook = (point) => { if (point === 'after-complete') process.kill(process.pid, 'SIGKILL'); };
 */
export type FaultHook = (point: FaultPoint) => void | Promise<void>;

/**
 * What a throwing {@link FaultHook} becomes: every `catch` on the lifecycle path lets it
 * through untouched, so a simulated death is never handled like a job's own error.
 */
export class InjectedFault extends Error {
  constructor(
    readonly point: FaultPoint,
    options?: { cause?: unknown },
  ) {
    super(`injected fault at ${point}`, options);
    this.name = 'InjectedFault';
  }
}

export function isInjectedFault(error: unknown): error is InjectedFault {
  return error instanceof InjectedFault;
}

/** Runs the hook at `point`; whatever it throws comes out as an {@link InjectedFault}. */
export async function reachFault(faults: FaultHook, point: FaultPoint): Promise<void> {
  try {
    await faults(point);
  } catch (error) {
    throw error instanceof InjectedFault ? error : new InjectedFault(point, { cause: error });
  }
}
