import type { JobEventView, ServerMessage, SessionCompletedView, SnapshotMessage } from './protocol';

/** How far back `Last-Event-ID` may point and still be resumed from the records. */
export const RESUME_WINDOW_MS = 15 * 60_000;
/**
 * Job states written this long before the last id are sent again on resume: events are
 * stamped when sent, and one still in flight from another process may describe an
 * earlier write. A state sent twice is harmless; one never sent is not.
 */
export const RESUME_SLACK_MS = 5_000;

const EVENT_ID = /^(\d{13})-(\d{1,9})$/;

/**
 * Formats an SSE event id: the instant it was sent (epoch ms) and its number in the stream.
 *
 * @example formatEventId(1733380000000, 7) // '1733380000000-7'
 */
export function formatEventId(ms: number, n: number): string {
  return `${ms}-${n}`;
}

/** The send instant of an SSE event id, or `undefined` for anything that is not one of ours. */
export function parseEventId(raw: string | undefined): number | undefined {
  // Anchored and bounded: a hostile header is refused in one linear pass.
  const match = raw === undefined ? null : EVENT_ID.exec(raw);
  return match ? Number(match[1]) : undefined;
}

export type ResumePlan = { ok: true; since: number } | { ok: false; reason: 'unreadable' | 'expired' };

/**
 * Decides whether a `Last-Event-ID` can be resumed at `now`: readable, not in the
 * future, and within {@link RESUME_WINDOW_MS}.
 *
 * @example planResume('1733380000000-7', Date.now()) // { ok: true, since: 1733380000000 }
 */
export function planResume(lastEventId: string, now: number): ResumePlan {
  const since = parseEventId(lastEventId);
  if (since === undefined || since > now + 60_000) return { ok: false, reason: 'unreadable' };
  if (now - since > RESUME_WINDOW_MS) return { ok: false, reason: 'expired' };
  return { ok: true, since };
}

/**
 * What a client that last saw an event sent at `since` missed, rebuilt from the
 * records (the snapshot): each job whose record changed since then, as the event of
 * its current status, and the session's completion if it came after that instant.
 */
export function replaySince(snapshot: SnapshotMessage, since: number): ServerMessage[] {
  // Each is a job's whole current state, so their order among jobs does not matter.
  const jobs: JobEventView[] = snapshot.jobs.filter((job) => Date.parse(job.at) >= since - RESUME_SLACK_MS);
  const session = snapshot.session;
  if (!session?.completed_at || Date.parse(session.completed_at) < since) return jobs;
  const completed: SessionCompletedView = {
    type: 'session:completed',
    session_id: session.session_id,
    counts: { complete: session.complete, failed: session.failed, cancelled: session.cancelled },
    at: session.completed_at,
  };
  return [...jobs, completed];
}
