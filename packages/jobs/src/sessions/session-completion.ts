import {
  type Clock,
  type DomainEventPublishOptions,
  type DomainEventSink,
  type EventBus,
  isoTime,
  isTerminal,
  type JobRecord,
  type JobStore,
  RetryableError,
  reachFault,
  type SessionCounts,
  sessionCompletedPayload,
} from '@paperlane/core';
import { createSessionCompletionStore, type Store, type UploadSessionRecord } from '@paperlane/store';
import { notifyUploader, type SessionEmailDeps } from './session-email';

/**
 * How long an announcement claim is held before another process may take it over.
 * Shorter than the sweeper's grace, so the sweeper's re-run of a dead holder's settled
 * hook finds the claim lapsed.
 */
export const ANNOUNCE_CLAIM_MS = 30_000;

/** Jobs read to decide a session is finished; a bigger session is counted past this page by page. */
const SESSION_PAGE = 200;

export interface SessionCompletionDeps {
  store: {
    table: Store['table'];
    sessions: Store['sessions'];
    jobs: Pick<JobStore, 'listBySession' | 'getMany'>;
  };
  /** The realtime bus (`session:completed`). */
  events: Pick<EventBus, 'publish'>;
  /** Durable business events (`session.completed` webhooks). */
  domainEvents: DomainEventSink;
  /** Sends the completion email a session asked for (`notify_email`); undefined where email is off. */
  email?: SessionEmailDeps['email'];
  clock: Clock;
  claimMs?: number;
}

/** The webhook event id of a session's completion: one per session, so a re-run fans out nothing new. */
export function sessionCompletedEventId(sessionId: string): string {
  return `session.completed:${sessionId}`;
}

/**
 * Every job of a session, read consistently: the ids recorded on the session plus the
 * session index (follow-up jobs such as the summary are only there), each then read
 * by key so a status written a moment ago is seen.
 */
async function sessionJobs(deps: SessionCompletionDeps, session: UploadSessionRecord): Promise<JobRecord[]> {
  const ids = new Set(session.jobIds);
  let cursor: string | undefined;
  do {
    const page = await deps.store.jobs.listBySession(session.tenantId, session.sessionId, {
      limit: SESSION_PAGE,
      ...(cursor ? { cursor } : {}),
    });
    for (const job of page.items) ids.add(job.jobId);
    cursor = page.cursor;
  } while (cursor);
  return deps.store.jobs.getMany(session.tenantId, [...ids]);
}

/** Counts of a finished session's jobs, or `undefined` while any job is still to finish. */
export function finishedCounts(
  jobs: readonly Pick<JobRecord, 'status'>[],
  expectedJobs: number | undefined,
): SessionCounts | undefined {
  if (jobs.length === 0 || jobs.length < (expectedJobs ?? 0)) return undefined;
  if (!jobs.every((job) => isTerminal(job.status))) return undefined;
  const count = (status: JobRecord['status']) => jobs.filter((job) => job.status === status).length;
  return { complete: count('complete'), failed: count('failed'), cancelled: count('cancelled') };
}

/**
 * After a job of a session settles: when every job of the session has finished, the
 * session is written complete (one conditional write wins), then announced once —
 * `session.completed` to webhook subscribers and `session:completed` to realtime
 * clients — under a claim on the session record. Runs inside the job's settled hook,
 * so a process that dies anywhere in here leaves the job's outbox marker, and the
 * sweeper runs this again: it finds the session complete and unannounced (or its claim
 * lapsed) and announces it. A live claim held elsewhere throws a retryable error, which
 * keeps the marker until that claim is either announced or lapsed. Once announced, the
 * uploader's completion email follows under its own claim ({@link notifyUploader}).
 *
 * @example await settleSession(deps, { tenantId, sessionId }, { faults });
 */
export async function settleSession(
  deps: SessionCompletionDeps,
  ref: { tenantId: string; sessionId: string },
  options?: DomainEventPublishOptions,
): Promise<void> {
  const announced = await completeAndAnnounce(deps, ref, options);
  if (announced) await notifyUploader(deps, announced);
}

/** The session once complete and announced (by this run or an earlier one); `undefined` while it is not. */
async function completeAndAnnounce(
  deps: SessionCompletionDeps,
  ref: { tenantId: string; sessionId: string },
  options?: DomainEventPublishOptions,
): Promise<UploadSessionRecord | undefined> {
  const completion = createSessionCompletionStore(deps.store.table);
  let session = await deps.store.sessions.get(ref);
  if (!session) return undefined;
  if (session.announcedAt) return session;
  if (session.status === 'open') {
    const counts = finishedCounts(await sessionJobs(deps, session), session.expectedJobs);
    if (!counts) return undefined;
    session =
      (await completion.complete({ ...ref, counts, now: deps.clock.now() })) ??
      (await deps.store.sessions.get(ref));
    if (session?.status !== 'complete') return undefined;
  }
  if (options?.faults) await reachFault(options.faults, 'after-session-complete');
  if (session.announcedAt) return session;
  const now = deps.clock.now();
  const claimed = await completion.claimAnnouncement({
    ...ref,
    now,
    staleBefore: new Date(now.getTime() - (deps.claimMs ?? ANNOUNCE_CLAIM_MS)),
  });
  if (!claimed) {
    const current = await deps.store.sessions.get(ref);
    if (!current || current.announcedAt) return current;
    throw new RetryableError(`session ${ref.sessionId} is being announced elsewhere`, {
      code: 'session_announce_busy',
    });
  }
  await announce(deps, claimed, options);
  const announcedAt = deps.clock.now();
  await completion.markAnnounced({
    ...ref,
    claimedAt: claimed.announceClaimedAt as string,
    now: announcedAt,
  });
  return { ...claimed, announcedAt: announcedAt.toISOString() };
}

async function announce(
  deps: SessionCompletionDeps,
  session: UploadSessionRecord,
  options?: DomainEventPublishOptions,
): Promise<void> {
  const counts = session.counts ?? { complete: 0, failed: 0, cancelled: 0 };
  const completedAt = session.completedAt ?? session.updatedAt;
  await deps.domainEvents.publish(
    {
      tenantId: session.tenantId,
      type: 'session.completed',
      id: sessionCompletedEventId(session.sessionId),
      payload: sessionCompletedPayload({
        sessionId: session.sessionId,
        expectedJobs: session.expectedJobs,
        counts,
        documentIds: session.documentIds,
        completedAt,
      }),
    },
    options,
  );
  await deps.events.publish({
    type: 'session:completed',
    tenantId: session.tenantId,
    sessionId: session.sessionId,
    counts,
    at: isoTime(new Date(completedAt)),
  });
}
