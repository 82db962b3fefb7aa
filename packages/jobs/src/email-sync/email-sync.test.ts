import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFolderBlobStore } from '@paperlane/adapters/blob';
import { createLocalSecretCipher } from '@paperlane/adapters/crypto';
import { sniffContentType } from '@paperlane/adapters/files';
import { createImapMailboxReader, parseEmail } from '@paperlane/adapters/imap';
import {
  type Clock,
  DEFAULT_TOPOLOGY,
  type JobContext,
  type MailboxReader,
  RetryableError,
  silentLogger,
  stableId,
  startTrace,
} from '@paperlane/core';
import { createDispatcher, type Dispatcher, type Transport } from '@paperlane/runtime';
import { type MailboxRecord, mailboxSecretContext, type NewMailbox, type Store } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { appendMessage, buildMail, type DovecotServer, startDovecot } from '@paperlane/testing';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmailSyncLimits } from './email-sync-limits';
import { createEmailSyncHandler } from './handler';
import { messageKey, sha256 } from './message-key';
import type { EmailSyncDeps } from './sync-mailbox';

const FIXTURES = new URL('../../../testing/fixtures/invoices/', import.meta.url);
const LIMITS: EmailSyncLimits = {
  maxMessageBytes: 1024 * 1024,
  maxAttachments: 5,
  maxAttachmentBytes: 512 * 1024,
  maxMessagesPerRun: 100,
};

let dovecot: DovecotServer;
let dynamo: TestDynamo;
let store: Store;
let blobDir: string;
let pdf: Uint8Array;
let jpeg: Uint8Array;
const secrets = createLocalSecretCipher({ key: randomBytes(32).toString('base64') });
const clock: Clock = { now: () => new Date() };
/** Every message the dispatcher sent, as queue + job id. */
const sent: { queue: string; jobId: string }[] = [];
const transport: Transport = {
  name: 'recording',
  send: async (messages) => {
    for (const m of messages) sent.push({ queue: m.envelope.queue, jobId: m.envelope.jobId });
    return [];
  },
  close: async () => {},
};
let dispatcher: Dispatcher;
const reader = createImapMailboxReader({
  allowInsecureLoopback: true,
  maxMessageBytes: LIMITS.maxMessageBytes,
});
let userCount = 0;

beforeAll(async () => {
  [dovecot, dynamo] = await Promise.all([
    startDovecot({
      users: Array.from({ length: 12 }, (_, n) => ({ user: `user${n}`, password: `pass-${n}` })),
    }),
    startTestDynamo(),
  ]);
  store = await dynamo.freshStore('email-sync');
  blobDir = await mkdtemp(join(tmpdir(), 'paperlane-email-blobs-'));
  pdf = new Uint8Array(await readFile(new URL('en-us-classic.pdf', FIXTURES)));
  jpeg = new Uint8Array(await readFile(new URL('de-receipt.jpg', FIXTURES)));
  dispatcher = createDispatcher({
    store: store.jobs,
    transport,
    topology: DEFAULT_TOPOLOGY,
    clock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  });
});
afterAll(async () => {
  await dispatcher?.close();
  await Promise.all([dovecot?.stop(), dynamo?.stop()]);
  if (blobDir) await rm(blobDir, { recursive: true, force: true });
});
beforeEach(() => {
  sent.length = 0;
});

function deps(overrides: Partial<EmailSyncDeps> = {}): EmailSyncDeps {
  return {
    store,
    blobs: createFolderBlobStore({ root: blobDir }),
    queue: dispatcher,
    clock,
    sniff: sniffContentType,
    secrets,
    reader,
    parse: parseEmail,
    limits: LIMITS,
    ...overrides,
  };
}

/** A fresh IMAP account and its mailbox record (each test its own, so counts are exact). */
async function newMailbox(overrides: Partial<NewMailbox> & { password?: string } = {}) {
  const n = userCount++;
  const account = { user: `user${n}`, password: `pass-${n}` };
  const tenantId = overrides.tenantId ?? `tenant${n}`;
  const mailboxId = `mbx_test${n}`;
  const { password, ...rest } = overrides;
  const { mailbox } = await store.mailboxes.create({
    tenantId,
    tenantUserId: 'alice',
    mailboxId,
    name: 'Invoices',
    host: dovecot.host,
    port: dovecot.port,
    tls: 'none',
    user: account.user,
    passwordCiphertext: await secrets.encrypt(
      password ?? account.password,
      mailboxSecretContext(tenantId, mailboxId),
    ),
    folder: 'INBOX',
    senderFilter: [],
    afterProcessing: 'mark_seen',
    enabled: true,
    now: new Date(),
    ...rest,
  });
  return { account, mailbox };
}

async function runSync(mailbox: MailboxRecord, overrides: Partial<EmailSyncDeps> = {}) {
  const handler = createEmailSyncHandler(deps(overrides));
  const { job } = await dispatcher.enqueue('email-sync', {
    tenantId: mailbox.tenantId,
    mailboxId: mailbox.mailboxId,
  });
  const ctx: JobContext<'email-sync'> = {
    job,
    payload: { tenantId: mailbox.tenantId, mailboxId: mailbox.mailboxId },
    attempt: 1,
    signal: new AbortController().signal,
    progress: async () => true,
    logger: silentLogger,
    span: startTrace(),
  };
  return handler(ctx);
}

async function flagsOf(account: { user: string; password: string }, folder = 'INBOX') {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
  });
  await client.connect();
  const lock = await client.getMailboxLock(folder);
  const result: { uid: number; seen: boolean }[] = [];
  try {
    for await (const m of client.fetch('1:*', { uid: true, flags: true })) {
      result.push({ uid: m.uid, seen: m.flags?.has('\\Seen') ?? false });
    }
  } catch {
    // An empty folder answers "no messages" to 1:*.
  } finally {
    lock.release();
    await client.logout();
  }
  return result;
}

const invoiceQueued = () => sent.filter((s) => s.queue === 'invoice-processing');

describe('email sync against a real IMAP server', () => {
  it('imports a PDF attachment as a document and an invoice, queues invoice-processing, marks the mail seen', async () => {
    const { account, mailbox } = await newMailbox();
    const messageId = '<inv-1001@vendor.example>';
    await appendMessage(
      dovecot,
      account,
      buildMail({
        messageId,
        attachments: [{ fileName: 'invoice.pdf', contentType: 'application/pdf', bytes: pdf }],
      }),
    );

    const result = await runSync(mailbox);
    expect(result).toMatchObject({ fetched: 1, imported: 1, skipped: 0, documents: 1 });

    const sourceRef = `email:${messageKey(messageId)}:${sha256(pdf)}`;
    const documentId = stableId('doc', mailbox.tenantId, sourceRef);
    const invoiceId = stableId('inv', mailbox.tenantId, sourceRef);
    const document = await store.documents.get({ tenantId: mailbox.tenantId, documentId });
    expect(document).toMatchObject({
      contentType: 'application/pdf',
      fileName: 'invoice.pdf',
      sizeBytes: pdf.byteLength,
    });
    expect(await store.invoices.get({ tenantId: mailbox.tenantId, invoiceId })).toMatchObject({
      source: 'email',
      sourceRef,
    });
    expect(invoiceQueued()).toHaveLength(1);
    const job = await store.jobs.get({ tenantId: mailbox.tenantId, jobId: invoiceQueued()[0]!.jobId });
    expect(job?.payload).toEqual({ tenantId: mailbox.tenantId, invoiceId });

    expect(await flagsOf(account)).toEqual([{ uid: 1, seen: true }]);
    const after = await store.mailboxes.get(mailbox);
    expect(after).toMatchObject({ lastUid: 1 });
    expect(after?.lastError).toBeUndefined();
    const runs = await store.mailboxes.listRuns(mailbox);
    expect(runs[0]).toMatchObject({ status: 'ok', fetched: 1, imported: 1 });

    // Nothing new: a second run fetches nothing.
    expect(await runSync(mailbox)).toMatchObject({ fetched: 0, imported: 0 });
  });

  it('never creates a second invoice: redelivered mail, a crash before marking seen, a crash before the ledger, a UIDVALIDITY change', async () => {
    const { account, mailbox } = await newMailbox();
    const messageId = '<inv-2002@vendor.example>';
    const raw = buildMail({
      messageId,
      attachments: [{ fileName: 'receipt.jpg', contentType: 'image/jpeg', bytes: jpeg }],
    });
    await appendMessage(dovecot, account, raw);

    // Crash 1: the connection drops right after the import, before \Seen is set.
    const droppingReader: MailboxReader = {
      async connect(connection, signal) {
        const session = await reader.connect(connection, signal);
        return {
          ...session,
          markSeen: async () => {
            throw new RetryableError('connection reset', { code: 'mailbox_unreachable' });
          },
        };
      },
    };
    await expect(runSync(mailbox, { reader: droppingReader })).rejects.toMatchObject({
      code: 'mailbox_unreachable',
    });
    expect(await flagsOf(account)).toEqual([{ uid: 1, seen: false }]);
    expect((await store.mailboxes.get(mailbox))?.lastError?.code).toBe('mailbox_unreachable');

    // The retry finds the message in the ledger: it only finishes the job (marks it seen).
    expect(await runSync(mailbox)).toMatchObject({ fetched: 1, imported: 0, skipped: 1 });
    expect(await flagsOf(account)).toEqual([{ uid: 1, seen: true }]);
    expect((await store.mailboxes.get(mailbox))?.lastError).toBeUndefined();

    // The same mail delivered again (new UID, same Message-ID).
    await appendMessage(dovecot, account, raw);
    expect(await runSync(mailbox)).toMatchObject({ fetched: 1, imported: 0, skipped: 1 });
    const runs = await store.mailboxes.listRuns(mailbox);
    expect(runs[0]?.skips[0]).toMatchObject({ uid: 2, reason: 'already_imported' });

    // UIDVALIDITY changed: everything is rescanned, nothing imported twice.
    await store.mailboxes.saveCursor({ ...mailbox, uidValidity: '1', lastUid: 99 });
    expect(await runSync(mailbox)).toMatchObject({ fetched: 2, imported: 0, skipped: 2 });
    expect((await store.mailboxes.get(mailbox))?.lastUid).toBe(2);

    // Crash 2: a second mail is imported but the process dies before the ledger write.
    const other = buildMail({
      messageId: '<inv-2003@vendor.example>',
      attachments: [{ fileName: 'scan.pdf', contentType: 'application/pdf', bytes: pdf }],
    });
    await appendMessage(dovecot, account, other);
    const crashingStore = {
      ...store,
      mailboxes: {
        ...store.mailboxes,
        markProcessed: async () => {
          throw new RetryableError('process killed');
        },
      },
    };
    sent.length = 0;
    await expect(runSync(mailbox, { store: crashingStore })).rejects.toThrow(/process killed/);
    const firstJobs = invoiceQueued().map((s) => s.jobId);
    expect(firstJobs).toHaveLength(1);
    sent.length = 0;
    expect(await runSync(mailbox)).toMatchObject({ fetched: 1, imported: 1 });
    // Same stable ids: the invoice-processing job already existed, so nothing new was sent.
    expect(invoiceQueued()).toHaveLength(0);
    const invoiceId = stableId(
      'inv',
      mailbox.tenantId,
      `email:${messageKey('<inv-2003@vendor.example>')}:${sha256(pdf)}`,
    );
    expect(await store.invoices.get({ tenantId: mailbox.tenantId, invoiceId })).toBeDefined();
    const jobId = firstJobs[0]!;
    expect((await store.jobs.get({ tenantId: mailbox.tenantId, jobId }))?.payload).toEqual({
      tenantId: mailbox.tenantId,
      invoiceId,
    });
  });

  it('skips hostile mail with reasons and keeps going', async () => {
    const { account, mailbox } = await newMailbox();
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(200)]);
    const exe = Buffer.concat([Buffer.from('MZ'), randomBytes(300)]);
    const hostile = [
      buildMail({ messageId: '<plain@x>', text: 'no attachments here' }),
      buildMail({
        messageId: '<zip@x>',
        attachments: [{ fileName: 'invoice.zip', contentType: 'application/zip', bytes: zip }],
      }),
      buildMail({
        messageId: '<thirty@x>',
        attachments: Array.from({ length: 30 }, (_, i) => ({
          fileName: `p${i}.pdf`,
          contentType: 'application/pdf',
          bytes: pdf,
        })),
      }),
      buildMail({
        messageId: '<huge@x>',
        attachments: [
          {
            fileName: 'big.pdf',
            contentType: 'application/pdf',
            bytes: randomBytes(LIMITS.maxMessageBytes + 1),
          },
        ],
      }),
      'Content-Type: multipart/mixed; boundary="nope\r\nMessage-ID: <broken@x>\r\n\r\n--nope\r\n\u0000\u0001garbage\r\n--',
      buildMail({
        messageId: '<exe@x>',
        attachments: [{ fileName: 'invoice.pdf', contentType: 'application/pdf', bytes: exe }],
      }),
      buildMail({
        messageId: '<mixed@x>',
        attachments: [
          { fileName: 'invoice.pdf', contentType: 'application/pdf', bytes: pdf },
          { fileName: 'evil.pdf', contentType: 'application/pdf', bytes: exe },
          { fileName: 'photo.png', contentType: 'image/png', bytes: jpeg },
        ],
      }),
    ];
    for (const raw of hostile) await appendMessage(dovecot, account, raw);

    const result = await runSync(mailbox);
    // The last mail: its PDF and its photo (a JPEG, whatever its name says) are imported, the .exe is not.
    expect(result).toMatchObject({ fetched: 7, imported: 1, skipped: 6, documents: 2 });
    const [run] = await store.mailboxes.listRuns(mailbox);
    const reasons = Object.fromEntries((run?.skips ?? []).map((s) => [s.uid, s.reason]));
    expect(reasons).toMatchObject({
      1: 'no_attachments',
      2: 'archive_not_supported',
      3: 'too_many_attachments',
      4: 'message_too_large',
      6: 'unsupported_file_type',
    });
    expect(run?.skips.find((s) => s.uid === 7)).toMatchObject({
      reason: 'unsupported_file_type',
      detail: 'evil.pdf',
    });
    expect(['no_attachments', 'unparsable_message']).toContain(reasons[5]);
    // Only the imported mail is marked seen; skipped ones are left for a human.
    const flags = await flagsOf(account);
    expect(flags.filter((f) => f.seen).map((f) => f.uid)).toEqual([7]);
    expect(invoiceQueued()).toHaveLength(2);
  });

  it('applies sender and subject filters, and moves imported mail when asked', async () => {
    const { account, mailbox } = await newMailbox({
      senderFilter: ['@vendor.example'],
      subjectFilter: 'invoice',
      afterProcessing: 'move:Processed',
    });
    const attachments = [{ fileName: 'a.pdf', contentType: 'application/pdf', bytes: pdf }];
    await appendMessage(dovecot, account, buildMail({ from: 'spam@elsewhere.example', attachments }));
    await appendMessage(dovecot, account, buildMail({ subject: 'Newsletter', attachments }));
    await appendMessage(dovecot, account, buildMail({ subject: 'Invoice 42', attachments }));
    expect(await runSync(mailbox)).toMatchObject({ fetched: 3, imported: 1, skipped: 2 });
    expect((await flagsOf(account)).map((f) => f.uid)).toEqual([1, 2]);
    expect(await flagsOf(account, 'Processed')).toHaveLength(1);
  });

  it('records refused credentials as a permanent error on the mailbox', async () => {
    const { mailbox } = await newMailbox({ password: 'wrong-password' });
    await expect(runSync(mailbox)).rejects.toMatchObject({
      name: 'PermanentError',
      code: 'mailbox_auth_failed',
    });
    const after = await store.mailboxes.get(mailbox);
    expect(after?.lastError).toMatchObject({ code: 'mailbox_auth_failed' });
    expect(JSON.stringify(after?.lastError)).not.toContain('wrong-password');
    const [run] = await store.mailboxes.listRuns(mailbox);
    expect(run).toMatchObject({ status: 'error', error: { code: 'mailbox_auth_failed' } });
  });

  it('retries network failures, refuses a server without STARTTLS and plaintext outside development', async () => {
    const { mailbox } = await newMailbox();
    const closed = await store.mailboxes.update({ ...mailbox, port: 1, now: new Date() });
    await expect(runSync(closed!)).rejects.toMatchObject({
      code: 'mailbox_unreachable',
      name: 'RetryableError',
    });
    const starttls = await store.mailboxes.update({
      ...mailbox,
      port: dovecot.port,
      tls: 'starttls',
      now: new Date(),
    });
    await expect(runSync(starttls!)).rejects.toMatchObject({
      code: 'mailbox_tls_failed',
      name: 'PermanentError',
    });
    const plain = await store.mailboxes.update({ ...mailbox, tls: 'none', now: new Date() });
    const strict = createImapMailboxReader({ maxMessageBytes: 1024 });
    await expect(runSync(plain!, { reader: strict })).rejects.toMatchObject({
      code: 'mailbox_host_forbidden',
    });
  });

  it('fans out one job per enabled mailbox when no mailbox is named', async () => {
    const tenantId = 'fanout';
    await newMailbox({ tenantId });
    await newMailbox({ tenantId });
    await newMailbox({ tenantId, enabled: false });
    const handler = createEmailSyncHandler(deps());
    const { job } = await dispatcher.enqueue('email-sync', { tenantId });
    sent.length = 0;
    const result = await handler({
      job,
      payload: { tenantId },
      attempt: 1,
      signal: new AbortController().signal,
      progress: async () => true,
      logger: silentLogger,
      span: startTrace(),
    });
    expect(result).toEqual({ mailboxes: 2, enqueued: 2 });
    expect(sent.filter((s) => s.queue === 'email-sync')).toHaveLength(2);
  });
});
