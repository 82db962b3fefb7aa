/**
 * Email sync through the stack `npm start` wires: the HTTP API, the email-sync worker
 * with the real IMAP reader, ingest, and the invoice-processing worker, against a
 * real dovecot. The module suite (jobs/src/email-sync) covers parsing, limits,
 * filters, crash recovery and UIDVALIDITY; this one proves the wiring end to end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendMessage,
  buildMail,
  type DovecotServer,
  type DynaliteServer,
  expectedInvoiceFields,
  invoiceFixture,
  startDovecot,
  startDynalite,
} from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalProcess, startLocal } from '../src/local/start-local';
import { apiClient, recordingLogger, watchJobEvents } from './support/local-stack';

const ACCOUNTS = {
  invoices: { user: 'invoices', password: 'imap-pass-invoices-7Qx' },
  locked: { user: 'locked', password: 'imap-pass-locked-3Kd' },
};
const WRONG_PASSWORD = 'wrong-pass-never-shown-9Zt';
/** Every password a request carried: none may come back in a response or a log line. */
const PASSWORDS = [ACCOUNTS.invoices.password, ACCOUNTS.locked.password, WRONG_PASSWORD];

let dovecot: DovecotServer;
let dynamo: DynaliteServer;
let dev: LocalProcess;
const dataDirs: string[] = [];
const logLines: string[] = [];
const responses: string[] = [];
let events: ReturnType<typeof watchJobEvents>;
let pdf: Uint8Array;

/** Shared by the processes that run against the same table. */
const shared = {
  JWT_SECRET: 'email-e2e-secret-that-is-long-enough-for-hs256',
  SECRET_KEY: randomBytes(32).toString('base64'),
};

async function start(env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-email-e2e-'));
  dataDirs.push(dataDir);
  return startLocal({
    env: {
      DATA_DIR: dataDir,
      PORT: '0',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      ...shared,
      ...env,
    },
    // The sweeper would re-send the other process's jobs to its own queue.
    sweeper: false,
    logger: recordingLogger(logLines),
  });
}

beforeAll(async () => {
  [dovecot, dynamo] = await Promise.all([startDovecot({ users: Object.values(ACCOUNTS) }), startDynalite()]);
  pdf = await invoiceFixture('en-us-classic.pdf');
  dev = await start({ EMAIL_ALLOW_INSECURE_LOOPBACK: 'true' });
  events = watchJobEvents(dev.container.events);
});
afterAll(async () => {
  events?.stop();
  await dev?.close();
  await Promise.all([dovecot?.stop(), dynamo?.stop()]);
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

function mailbox(account: { user: string; password: string }, overrides: Record<string, unknown> = {}) {
  return {
    name: 'Invoices',
    host: dovecot.host,
    port: dovecot.port,
    tls: 'none',
    user: account.user,
    password: account.password,
    ...overrides,
  };
}

/** Queues a sync through the API and waits for the job's terminal event. */
async function sync(api: ReturnType<typeof apiClient>, mailboxId: string, process = dev) {
  // Watching from before the request: the job may finish before the answer is read.
  const watcher = process === dev ? events : watchJobEvents(process.container.events);
  try {
    const queued = await api.call('POST', `/api/mailboxes/${mailboxId}/sync`);
    expect(queued.status).toBe(202);
    const settled = await watcher.settled(queued.body.job_id);
    return { jobId: queued.body.job_id as string, event: settled };
  } finally {
    if (watcher !== events) watcher.stop();
  }
}

describe('email sync end to end (npm start wiring, real dovecot)', () => {
  it('a mail with a PDF invoice becomes a processed invoice; the same mail again is not imported twice', async () => {
    const api = apiClient(dev, { tenantId: 'mail-acme' }, responses);
    const raw = buildMail({
      messageId: '<inv-2026-0042@vendor.example>',
      subject: 'Invoice 2026-0042',
      attachments: [{ fileName: 'invoice.pdf', contentType: 'application/pdf', bytes: pdf }],
    });
    await appendMessage(dovecot, ACCOUNTS.invoices, raw);

    const created = await api.call('POST', '/api/mailboxes', mailbox(ACCOUNTS.invoices));
    expect(created.status).toBe(201);
    const id = created.body.mailbox_id as string;

    const first = await sync(api, id);
    expect(first.event).toMatchObject({
      type: 'job:complete',
      queue: 'email-sync',
      result: { fetched: 1, imported: 1, documents: 1 },
    });
    const processed = await events.next(
      (e) => e.tenantId === 'mail-acme' && e.queue === 'invoice-processing' && e.type === 'job:complete',
    );
    const documentId = processed.documentId ?? '';
    const document = await api.call('GET', `/api/documents/${documentId}`);
    const expected = await expectedInvoiceFields('en-us-classic');
    expect(document.body).toMatchObject({ file_name: 'invoice.pdf', content_type: 'application/pdf' });
    expect(document.body.invoices).toHaveLength(1);
    expect(document.body.invoices[0]).toMatchObject({ status: 'processed', source: 'email' });
    expect(document.body.invoices[0].fields).toMatchObject({
      invoiceNumber: expected.invoiceNumber,
      invoiceDate: expected.invoiceDate,
      total: expected.total,
    });

    const after = await api.call('GET', `/api/mailboxes/${id}`);
    expect(after.body).toMatchObject({ last_uid: 1 });
    expect(after.body.last_sync_at).toBeTypeOf('string');
    expect(after.body.last_error).toBeUndefined();

    // The same mail delivered again (a new UID, the same Message-ID and attachment).
    await appendMessage(dovecot, ACCOUNTS.invoices, raw);
    const second = await sync(api, id);
    expect(second.event).toMatchObject({
      type: 'job:complete',
      result: { fetched: 1, imported: 0, skipped: 1, documents: 0 },
    });
    const history = await api.call('GET', `/api/mailboxes/${id}/syncs`);
    expect(
      history.body.syncs.map((s: { status: string; imported: number }) => [s.status, s.imported]),
    ).toEqual([
      ['ok', 0],
      ['ok', 1],
    ]);
    expect(history.body.syncs[0].skips).toEqual([
      { uid: 2, message_id: '<inv-2026-0042@vendor.example>', reason: 'already_imported' },
    ]);
    // Still one invoice: one invoice-processing job in the tenant, one invoice on the document.
    const jobs = dev.container.store.jobs;
    const statuses = ['pending', 'processing', 'complete', 'failed'] as const;
    const invoiceJobs = await Promise.all(
      statuses.map(async (s) => (await jobs.listByStatus('mail-acme', 'invoice-processing', s)).items),
    );
    expect(invoiceJobs.flat().map((j) => j.documentId)).toEqual([documentId]);
    expect((await api.call('GET', `/api/documents/${documentId}`)).body.invoices).toHaveLength(1);
  });

  it('a wrong password fails the job once, for good, with the reason on the mailbox and in the history', async () => {
    const api = apiClient(dev, { tenantId: 'mail-locked' }, responses);
    const created = await api.call('POST', '/api/mailboxes', {
      ...mailbox(ACCOUNTS.locked),
      password: WRONG_PASSWORD,
    });
    expect(created.status).toBe(201);
    const id = created.body.mailbox_id as string;

    const { jobId, event } = await sync(api, id);
    expect(event).toMatchObject({ type: 'job:failed', attempt: 1 });
    expect(events.seen.filter((e) => e.jobId === jobId && e.type === 'job:retrying')).toEqual([]);
    const job = await api.call('GET', `/api/jobs/${jobId}`);
    expect(job.body).toMatchObject({ status: 'failed', attempts: 1, error_code: 'mailbox_auth_failed' });

    const got = await api.call('GET', `/api/mailboxes/${id}`);
    expect(got.body.last_error).toMatchObject({ code: 'mailbox_auth_failed' });
    expect(got.body.last_error.message).toMatch(/refused|credentials|password|auth/i);
    expect(got.body.last_error.message).not.toMatch(/will retry/);
    const history = await api.call('GET', `/api/mailboxes/${id}/syncs`);
    expect(history.body.syncs).toHaveLength(1);
    expect(history.body.syncs[0]).toMatchObject({
      status: 'error',
      job_id: jobId,
      error: { code: 'mailbox_auth_failed' },
    });

    // Fixing the password makes the next sync work (dovecot makes the next login from this address wait ~4 s).
    const fixed = await api.call('PATCH', `/api/mailboxes/${id}`, { password: ACCOUNTS.locked.password });
    expect(fixed.status).toBe(200);
    const retried = await sync(api, id);
    expect(retried.event).toMatchObject({ type: 'job:complete', result: { fetched: 0 } });
    expect((await api.call('GET', `/api/mailboxes/${id}`)).body.last_error).toBeUndefined();
  });

  it('a server without TLS is refused with a clear error when the mailbox asks for STARTTLS', async () => {
    const api = apiClient(dev, { tenantId: 'mail-starttls' }, responses);
    const created = await api.call('POST', '/api/mailboxes', mailbox(ACCOUNTS.invoices, { tls: 'starttls' }));
    expect(created.status).toBe(201);
    const { jobId, event } = await sync(api, created.body.mailbox_id);
    expect(event).toMatchObject({ type: 'job:failed', attempt: 1 });
    expect((await api.call('GET', `/api/jobs/${jobId}`)).body).toMatchObject({
      attempts: 1,
      error_code: 'mailbox_tls_failed',
    });
    const got = await api.call('GET', `/api/mailboxes/${created.body.mailbox_id}`);
    expect(got.body.last_error).toMatchObject({ code: 'mailbox_tls_failed' });
    expect(got.body.last_error.message).toMatch(/secure connection/);
  });

  it('with insecure loopback off, plaintext and loopback hosts are refused at the API and at connect time', async () => {
    // A mailbox saved by a development process...
    const devApi = apiClient(dev, { tenantId: 'mail-strict' }, responses);
    const saved = await devApi.call('POST', '/api/mailboxes', mailbox(ACCOUNTS.invoices));
    expect(saved.status).toBe(201);

    // ...then served by a process with the default (strict) setting, on the same table.
    const strict = await start({});
    try {
      const api = apiClient(strict, { tenantId: 'mail-strict' }, responses);
      const plaintext = await api.call('POST', '/api/mailboxes', mailbox(ACCOUNTS.invoices));
      expect(plaintext).toMatchObject({ status: 400, body: { error: { code: 'mailbox_tls_required' } } });
      const loopback = await api.call('POST', '/api/mailboxes', mailbox(ACCOUNTS.invoices, { tls: 'tls' }));
      expect(loopback).toMatchObject({ status: 400, body: { error: { code: 'mailbox_host_forbidden' } } });

      const { jobId, event } = await sync(api, saved.body.mailbox_id, strict);
      expect(event).toMatchObject({ type: 'job:failed', attempt: 1 });
      const job = await api.call('GET', `/api/jobs/${jobId}`);
      expect(job.body).toMatchObject({ status: 'failed', attempts: 1, error_code: 'mailbox_host_forbidden' });
      const got = await api.call('GET', `/api/mailboxes/${saved.body.mailbox_id}`);
      expect(got.body.last_error).toMatchObject({ code: 'mailbox_host_forbidden' });
      expect(got.body.last_error.message).toContain(dovecot.host);
    } finally {
      await strict.close();
    }
  });

  it('never returned a password in any response, nor wrote one to the log', () => {
    expect(responses.length).toBeGreaterThan(20);
    expect(logLines.length).toBeGreaterThan(0);
    for (const password of PASSWORDS) {
      expect(responses.filter((text) => text.includes(password))).toEqual([]);
      expect(logLines.filter((line) => line.includes(password))).toEqual([]);
      expect(events.seen.filter((e) => JSON.stringify(e).includes(password))).toEqual([]);
    }
    // Nor a field that could carry one.
    expect(responses.filter((text) => /"password[^"]*":|ciphertext/i.test(text))).toEqual([]);
  });
});
