import {
  errorCode,
  isPermanent,
  type JobHandler,
  NotFoundError,
  newId,
  PaperlaneError,
  queueUnderSpan,
} from '@paperlane/core';
import type { MailboxRecord, Store } from '@paperlane/store';
import { type EmailSyncDeps, syncMailbox } from './sync-mailbox';

/** Mailboxes one fan-out job enqueues at most (a tenant's whole list, page by page). */
export const MAX_MAILBOXES_PER_FANOUT = 1000;

/**
 * The `email-sync` job. With a `mailboxId` it syncs that mailbox and records a run
 * in its history (and `lastSyncAt`/`lastError` on the mailbox). Without one it fans
 * out: one `email-sync` job per enabled mailbox of the tenant, so each mailbox has
 * its own attempts, errors and lease, and a bad password in one never holds up the rest.
 *
 * Errors: refused credentials, TLS failures and missing folders are `PermanentError`s
 * (no retry storm against the account); network trouble is retried by the runtime.
 *
 * @example handlers['email-sync'] = createEmailSyncHandler({ store, blobs, queue, clock, sniff, secrets, reader, parse: parseEmail, limits });
 */
export function createEmailSyncHandler(deps: EmailSyncDeps): JobHandler<'email-sync'> {
  return async (ctx) => {
    const { tenantId, mailboxId } = ctx.payload;
    if (!mailboxId) {
      const ids = await enabledMailboxIds(deps.store, tenantId);
      const jobs = await deps.queue.enqueueMany(
        ids.map((id) => ({
          queue: 'email-sync' as const,
          payload: { tenantId, mailboxId: id },
          priority: ctx.job.priority,
          dedupeKey: `fanout:${ctx.job.jobId}:${id}`,
          parent: ctx.span,
        })),
      );
      return { mailboxes: ids.length, enqueued: jobs.filter((j) => j.created).length };
    }

    const mailbox = await deps.store.mailboxes.get({ tenantId, mailboxId });
    if (!mailbox) throw new NotFoundError(`mailbox ${mailboxId} not found`, { code: 'mailbox_not_found' });
    if (!mailbox.enabled) return { mailbox_id: mailboxId, skipped: 'disabled' };

    const ref = { tenantId, mailboxId };
    const startedAt = deps.clock.now();
    const runId = newId('run', startedAt.getTime());
    const run = {
      ...ref,
      runId,
      jobId: ctx.job.jobId,
      startedAt: startedAt.toISOString(),
    };
    try {
      // The documents' jobs continue this attempt's trace.
      const traced = { ...deps, queue: queueUnderSpan(deps.queue, ctx.span) };
      const counts = await syncMailbox(traced, mailbox, {
        signal: ctx.signal,
        logger: ctx.logger,
        progress: ctx.progress,
      });
      const finishedAt = deps.clock.now();
      await deps.store.mailboxes.addRun({
        ...run,
        status: 'ok',
        finishedAt: finishedAt.toISOString(),
        fetched: counts.fetched,
        imported: counts.imported,
        skipped: counts.skipped,
        errors: counts.errors,
        skips: counts.skips,
      });
      await deps.store.mailboxes.recordSync({ ...ref, at: finishedAt, error: null });
      ctx.logger.info('mailbox synced', { ...ref, fetched: counts.fetched, imported: counts.imported });
      return {
        mailbox_id: mailboxId,
        run_id: runId,
        fetched: counts.fetched,
        imported: counts.imported,
        skipped: counts.skipped,
        documents: counts.documentIds.length,
        ...(counts.more ? { more: true } : {}),
      };
    } catch (error) {
      await recordFailure(deps, mailbox, run, error);
      throw error;
    }
  };
}

async function recordFailure(
  deps: EmailSyncDeps,
  mailbox: MailboxRecord,
  run: { tenantId: string; mailboxId: string; runId: string; jobId: string; startedAt: string },
  error: unknown,
): Promise<void> {
  // Only our own messages are stored: they name the host, never the password or the server's reply.
  const message =
    error instanceof PaperlaneError ? error.message.slice(0, 1000) : 'the sync failed unexpectedly';
  const code = errorCode(error);
  const finishedAt = deps.clock.now();
  try {
    await deps.store.mailboxes.addRun({
      ...run,
      status: 'error',
      finishedAt: finishedAt.toISOString(),
      fetched: 0,
      imported: 0,
      skipped: 0,
      errors: 1,
      skips: [],
      error: { code, message },
    });
    await deps.store.mailboxes.recordSync({
      tenantId: mailbox.tenantId,
      mailboxId: mailbox.mailboxId,
      at: finishedAt,
      error: { code, message: isPermanent(error) ? message : `${message} (will retry)` },
    });
  } catch {
    // The job's own failure is what matters; the runtime records it.
  }
}

async function enabledMailboxIds(store: Pick<Store, 'mailboxes'>, tenantId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.mailboxes.list(tenantId, { limit: 200, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.filter((m) => m.enabled).map((m) => m.mailboxId));
    cursor = page.cursor;
  } while (cursor && ids.length < MAX_MAILBOXES_PER_FANOUT);
  return ids.slice(0, MAX_MAILBOXES_PER_FANOUT);
}

/**
 * `listMailboxIds` for the automation handler's `sync_mailboxes` action: the user's
 * enabled mailboxes.
 *
 * @example createAutomationHandler({ ..., listMailboxIds: mailboxIdLister(store) })
 */
export function mailboxIdLister(store: Pick<Store, 'mailboxes'>) {
  return async (tenantId: string, tenantUserId: string): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.mailboxes.list(tenantId, {
        tenantUserId,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      ids.push(...page.items.filter((m) => m.enabled).map((m) => m.mailboxId));
      cursor = page.cursor;
    } while (cursor && ids.length < MAX_MAILBOXES_PER_FANOUT);
    return ids;
  };
}
