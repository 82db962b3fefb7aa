import {
  type Clock,
  type EmailMessage,
  type EmailSender,
  errorCode,
  isPermanent,
  PaperlaneError,
  RetryableError,
  stableId,
} from '@paperlane/core';
import { createSessionCompletionStore, type Store, type UploadSessionRecord } from '@paperlane/store';

/** Claims taken to send one session's email before it is given up on (a mail server down for good). */
export const MAX_NOTIFY_ATTEMPTS = 5;

/** How long an email claim is held before another process may take it over (as the announcement's). */
export const NOTIFY_CLAIM_MS = 30_000;

export interface SessionEmailDeps {
  store: { table: Store['table']; sessions: Pick<Store['sessions'], 'get'> };
  /** Undefined where email is not configured: the session records why nothing was sent. */
  email?: EmailSender;
  clock: Clock;
  claimMs?: number;
}

/**
 * The completion email of a session: what finished, in plain text, under a Message-ID
 * derived from tenant and session, so a resend is recognisably the same message.
 *
 * @example sessionCompletedEmail(session).subject // 'Paperlane: upload session ses_… completed (3 complete, 1 failed)'
 */
export function sessionCompletedEmail(
  session: Pick<
    UploadSessionRecord,
    'tenantId' | 'sessionId' | 'counts' | 'documentIds' | 'completedAt' | 'updatedAt' | 'notifyEmail'
  > & { notifyEmail: string },
): EmailMessage {
  const counts = session.counts ?? { complete: 0, failed: 0, cancelled: 0 };
  const completedAt = session.completedAt ?? session.updatedAt;
  const id = stableId('msg', 'session.completed', session.tenantId, session.sessionId);
  return {
    to: session.notifyEmail,
    subject: `Paperlane: upload session ${session.sessionId} completed (${counts.complete} complete, ${counts.failed} failed)`,
    text: [
      `Your upload session ${session.sessionId} has finished.`,
      '',
      `Documents: ${session.documentIds.length}`,
      `Jobs complete: ${counts.complete}`,
      `Jobs failed: ${counts.failed}`,
      `Jobs cancelled: ${counts.cancelled}`,
      '',
      `Finished at ${completedAt}.`,
      '',
    ].join('\n'),
    messageId: `<${id}@paperlane>`,
  };
}

/** Why an email was given up on, without the server's text (it may echo addresses). */
function reasonOf(error: unknown): string {
  const message = error instanceof PaperlaneError ? error.message : 'sending failed unexpectedly';
  return `${message} (${errorCode(error)})`;
}

/**
 * Emails the uploader of a complete session that asked for it (`notifyEmail`), once.
 * Runs in the settled hook after the session is complete and announced, so it is an
 * effect that follows the state change and inherits its durability: the job's outbox
 * marker stays until this returns, and the sweeper runs the hook again after a crash.
 * A claim on the session record (`notifyClaimedAt`, lapsing after {@link NOTIFY_CLAIM_MS})
 * lets one process send; `notifiedAt` written after the send stops every later run.
 *
 * - A refusal (5xx, SES `MessageRejected`), or a failure on the
 *   {@link MAX_NOTIFY_ATTEMPTS}th claim, is final: `notifiedAt` with `notifyError`.
 * - A failure that may pass releases the claim and throws, keeping the outbox marker: the
 *   sweeper tries again.
 * - No sender configured: recorded as `notifyError`, nothing sent.
 *
 * The one window left: a process that dies after the server accepted the message and
 * before `notifiedAt` is written sends it again once the claim lapses, with the same
 * Message-ID. No protocol lets a sender learn whether a dead connection's message was
 * taken, so this is the narrowest the window can be without risking losing the email.
 *
 * @example await notifyUploader({ store, email, clock }, session);
 */
export async function notifyUploader(deps: SessionEmailDeps, session: UploadSessionRecord): Promise<void> {
  if (!session.notifyEmail || session.notifiedAt) return;
  const ref = { tenantId: session.tenantId, sessionId: session.sessionId };
  const completion = createSessionCompletionStore(deps.store.table);
  const now = deps.clock.now();
  const claimed = await completion.claimNotification({
    ...ref,
    now,
    staleBefore: new Date(now.getTime() - (deps.claimMs ?? NOTIFY_CLAIM_MS)),
  });
  if (!claimed?.notifyEmail || !claimed.notifyClaimedAt) {
    const current = await deps.store.sessions.get(ref);
    if (!current?.notifyEmail || current.notifiedAt) return;
    throw new RetryableError(`session ${ref.sessionId} is being emailed elsewhere`, {
      code: 'session_notify_busy',
    });
  }
  const claimedAt = claimed.notifyClaimedAt;
  if (!deps.email) {
    await completion.markNotified({
      ...ref,
      claimedAt,
      now: deps.clock.now(),
      error: 'email is not configured (SMTP_URL or EMAIL_TRANSPORT, and EMAIL_FROM)',
    });
    return;
  }
  try {
    await deps.email.send(sessionCompletedEmail({ ...claimed, notifyEmail: claimed.notifyEmail }));
  } catch (error) {
    if (isPermanent(error) || (claimed.notifyAttempts ?? 1) >= MAX_NOTIFY_ATTEMPTS) {
      await completion.markNotified({ ...ref, claimedAt, now: deps.clock.now(), error: reasonOf(error) });
      return;
    }
    await completion.releaseNotification({ ...ref, claimedAt });
    throw error;
  }
  await completion.markNotified({ ...ref, claimedAt, now: deps.clock.now() });
}
