import {
  AbortedError,
  type BlobStore,
  type Clock,
  type DocumentContentType,
  type EmailParser,
  isPermanent,
  type JobQueue,
  type Logger,
  type MailboxMessageSummary,
  type MailboxReader,
  type MailboxSession,
  type SecretCipher,
} from '@paperlane/core';
import {
  type MailboxRecord,
  mailboxSecretContext,
  SKIP_REASON_MAX,
  type Store,
  type SyncSkip,
} from '@paperlane/store';
import { ingestDocuments } from '../ingest/ingest-documents';
import type { EmailSyncLimits } from './email-sync-limits';
import { messageKey } from './message-key';
import { parsedEmailSchema } from './parsed-email-schema';
import { selectAttachments } from './select-attachments';

export interface EmailSyncDeps {
  store: Pick<Store, 'mailboxes' | 'documents' | 'invoices' | 'sessions'>;
  blobs: BlobStore;
  queue: JobQueue;
  clock: Clock;
  /** The real type from the bytes (`sniffContentType`); throws for anything unsupported. */
  sniff: (bytes: Uint8Array) => DocumentContentType;
  secrets: SecretCipher;
  reader: MailboxReader;
  parse: EmailParser;
  limits: EmailSyncLimits;
}

export interface SyncCounts {
  fetched: number;
  imported: number;
  skipped: number;
  errors: number;
  skips: SyncSkip[];
  documentIds: string[];
  /** Set when the run stopped early (message budget spent, or cancelled). */
  more: boolean;
}

export interface SyncOptions {
  signal?: AbortSignal;
  logger?: Logger;
  /** Called after each message with 0-100; resolving false stops the run (cancelled). */
  progress?: (percent: number) => Promise<boolean>;
}

type Outcome =
  | { kind: 'imported'; documentIds: string[]; notes: SyncSkip[] }
  | { kind: 'skipped'; skip: SyncSkip; notes?: SyncSkip[] };

/**
 * Syncs one mailbox: new messages past the cursor (all of them again after a
 * UIDVALIDITY change), their PDF and image attachments ingested as documents and
 * invoices (invoice-processing enqueued), each message written to the ledger and then
 * marked seen or moved. Idempotent at every step: a message already in the ledger is
 * not imported again, and ingest's ids are derived from the message and attachment
 * hash, so a crash between import and ledger re-imports into the same records.
 * Messages that are skipped (filters, no usable attachment, too large, unparsable)
 * are left untouched on the server.
 *
 * Throws the reader's errors: `PermanentError` (credentials, TLS, missing folder) or
 * retryable (network); the cursor keeps what was done before the failure.
 *
 * @example const counts = await syncMailbox(deps, mailbox, { signal });
 */
export async function syncMailbox(
  deps: EmailSyncDeps,
  mailbox: MailboxRecord,
  options: SyncOptions = {},
): Promise<SyncCounts> {
  const ref = { tenantId: mailbox.tenantId, mailboxId: mailbox.mailboxId };
  const password = await deps.secrets.decrypt(
    mailbox.passwordCiphertext,
    mailboxSecretContext(mailbox.tenantId, mailbox.mailboxId),
  );
  const counts: SyncCounts = {
    fetched: 0,
    imported: 0,
    skipped: 0,
    errors: 0,
    skips: [],
    documentIds: [],
    more: false,
  };
  const note = (skip: SyncSkip) => {
    if (counts.skips.length < SKIP_REASON_MAX) counts.skips.push(skip);
  };
  const session = await deps.reader.connect(
    { host: mailbox.host, port: mailbox.port, tls: mailbox.tls, user: mailbox.user, password },
    options.signal,
  );
  try {
    const opened = await session.open(mailbox.folder);
    const sameValidity = mailbox.uidValidity === opened.uidValidity;
    if (mailbox.uidValidity !== undefined && !sameValidity) {
      // The server renumbered the folder: rescan it all; the ledger keeps imports single.
      options.logger?.warn('mailbox uidvalidity changed; rescanning', {
        ...ref,
        uidValidity: opened.uidValidity,
      });
    }
    const afterUid = sameValidity ? (mailbox.lastUid ?? 0) : 0;
    const summaries = await session.list(afterUid, deps.limits.maxMessagesPerRun);
    counts.more = summaries.length >= deps.limits.maxMessagesPerRun;
    for (const [index, summary] of summaries.entries()) {
      if (options.signal?.aborted) throw new AbortedError('email sync aborted');
      counts.fetched++;
      const outcome = await processMessage(
        deps,
        session,
        mailbox,
        opened.uidValidity,
        summary,
        options.logger,
      );
      if (outcome.kind === 'imported') {
        counts.imported++;
        counts.documentIds.push(...outcome.documentIds);
        for (const skip of outcome.notes) note(skip);
      } else {
        counts.skipped++;
        if (outcome.skip.reason === 'import_failed') counts.errors++;
        note(outcome.skip);
        for (const skip of outcome.notes ?? []) note(skip);
      }
      await deps.store.mailboxes.saveCursor({
        ...ref,
        uidValidity: opened.uidValidity,
        lastUid: summary.uid,
      });
      if (options.progress && !(await options.progress(Math.round(((index + 1) / summaries.length) * 100)))) {
        counts.more = true;
        break;
      }
    }
    if (summaries.length === 0 && !sameValidity) {
      await deps.store.mailboxes.saveCursor({ ...ref, uidValidity: opened.uidValidity, lastUid: 0 });
    }
    return counts;
  } finally {
    await session.close();
  }
}

function matchesFilters(
  mailbox: MailboxRecord,
  from: string | undefined,
  subject: string | undefined,
): boolean {
  if (mailbox.senderFilter.length > 0) {
    const sender = from?.toLowerCase();
    if (!sender) return false;
    const ok = mailbox.senderFilter.some((rule) =>
      rule.startsWith('@') ? sender.endsWith(rule) : sender === rule,
    );
    if (!ok) return false;
  }
  if (mailbox.subjectFilter) {
    if (!subject?.toLowerCase().includes(mailbox.subjectFilter.toLowerCase())) return false;
  }
  return true;
}

async function afterImport(session: MailboxSession, mailbox: MailboxRecord, uid: number): Promise<void> {
  if (mailbox.afterProcessing === 'mark_seen') await session.markSeen(uid);
  else await session.move(uid, mailbox.afterProcessing.slice('move:'.length));
}

async function processMessage(
  deps: EmailSyncDeps,
  session: MailboxSession,
  mailbox: MailboxRecord,
  uidValidity: string,
  summary: MailboxMessageSummary,
  logger: Logger | undefined,
): Promise<Outcome> {
  const ref = { tenantId: mailbox.tenantId, mailboxId: mailbox.mailboxId };
  const { uid } = summary;
  const base = { uid, ...(summary.messageId ? { messageId: summary.messageId.slice(0, 1000) } : {}) };
  const skip = (reason: string, detail?: string, notes?: SyncSkip[]): Outcome => ({
    kind: 'skipped',
    skip: { ...base, reason, ...(detail ? { detail: detail.slice(0, 500) } : {}) },
    ...(notes ? { notes } : {}),
  });

  if (!matchesFilters(mailbox, summary.from, summary.subject)) return skip('filtered');
  if (summary.size > deps.limits.maxMessageBytes) {
    return skip('message_too_large', `${summary.size} bytes`);
  }
  const known = summary.messageId ? await findLedger(deps, ref, messageKey(summary.messageId)) : undefined;
  if (known) return replay(session, mailbox, uid, known, skip);

  let raw: Uint8Array;
  try {
    raw = await session.fetchRaw(uid, deps.limits.maxMessageBytes);
  } catch (error) {
    if (isPermanent(error)) return skip((error as { code?: string }).code ?? 'fetch_failed');
    throw error;
  }
  const key = messageKey(summary.messageId, raw);
  if (!summary.messageId) {
    const byHash = await findLedger(deps, ref, key);
    if (byHash) return replay(session, mailbox, uid, byHash, skip);
  }

  let email: ReturnType<typeof parsedEmailSchema.parse>;
  try {
    const parsed = parsedEmailSchema.safeParse(await deps.parse(raw));
    if (!parsed.success) return await ledgerSkip('unparsable_message');
    email = parsed.data;
  } catch {
    return await ledgerSkip('unparsable_message');
  }

  const selection = selectAttachments(email.attachments, deps.limits, deps.sniff);
  const notes = selection.rejected
    .filter((r) => r.reason !== 'inline_part')
    .map((r) => ({ ...base, reason: r.reason, detail: r.fileName }));
  if (!selection.ok) return await ledgerSkip(selection.reason, notes);

  let documentIds: string[];
  try {
    const result = await ingestDocuments(
      {
        store: deps.store,
        blobs: deps.blobs,
        queue: deps.queue,
        clock: deps.clock,
        sniff: deps.sniff,
        limits: { maxFileBytes: deps.limits.maxAttachmentBytes, maxFiles: deps.limits.maxAttachments },
      },
      {
        tenantId: mailbox.tenantId,
        userId: mailbox.tenantUserId,
        source: 'email',
        files: selection.accepted.map((file) => ({
          fileName: file.fileName,
          bytes: file.bytes,
          // Same message, same attachment → same document and invoice, whichever mailbox or run.
          sourceRef: `email:${key}:${file.sha256}`,
        })),
      },
    );
    documentIds = result.documents.map((d) => d.documentId);
  } catch (error) {
    if (!isPermanent(error)) throw error;
    logger?.warn('email import failed', { ...ref, uid, code: (error as { code?: string }).code });
    return skip('import_failed', (error as { code?: string }).code, notes);
  }
  await deps.store.mailboxes.markProcessed({
    ...ref,
    messageKey: key,
    outcome: 'imported',
    uid,
    uidValidity,
    documentIds,
    processedAt: deps.clock.now().toISOString(),
  });
  await afterImport(session, mailbox, uid);
  return { kind: 'imported', documentIds, notes };

  async function ledgerSkip(reason: string, extra?: SyncSkip[]): Promise<Outcome> {
    await deps.store.mailboxes.markProcessed({
      ...ref,
      messageKey: key,
      outcome: 'skipped',
      uid,
      uidValidity,
      documentIds: [],
      reason,
      processedAt: deps.clock.now().toISOString(),
    });
    return skip(reason, undefined, extra);
  }
}

async function findLedger(deps: EmailSyncDeps, ref: { tenantId: string; mailboxId: string }, key: string) {
  return deps.store.mailboxes.findProcessed({ ...ref, messageKey: key });
}

/**
 * A message the ledger already knows. An import is finished by running the
 * after-processing action again (the crash may have come before it); a skip stays a skip.
 */
async function replay(
  session: MailboxSession,
  mailbox: MailboxRecord,
  uid: number,
  entry: { outcome: 'imported' | 'skipped'; reason?: string | undefined },
  skip: (reason: string, detail?: string) => Outcome,
): Promise<Outcome> {
  if (entry.outcome === 'imported') {
    await afterImport(session, mailbox, uid);
    return skip('already_imported');
  }
  return skip('already_skipped', entry.reason);
}
