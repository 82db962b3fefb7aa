import { createSmtpEmailSender } from '@paperlane/adapters/email/smtp-email-sender';
import { type EmailSender, RetryableError } from '@paperlane/core';
import { createSessionCompletionStore, type Store } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { type SmtpTestServer, startSmtpServer } from '@paperlane/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_NOTIFY_ATTEMPTS, notifyUploader, sessionCompletedEmail } from './session-email';

let dynamo: TestDynamo;
let store: Store;
let smtp: SmtpTestServer;
let sender: EmailSender;
let nowMs = Date.parse('2030-01-01T00:00:00Z');
const clock = { now: () => new Date(nowMs) };

beforeAll(async () => {
  [dynamo, smtp] = await Promise.all([startTestDynamo(), startSmtpServer()]);
  store = await dynamo.freshStore('session-email');
  sender = createSmtpEmailSender({ url: smtp.url, from: 'paperlane@example.com' });
});
afterAll(async () => {
  await sender?.close();
  await smtp?.stop();
  await dynamo?.stop();
});
beforeEach(() => smtp.refuseRecipients(undefined));

let n = 0;
/** A session written complete (2 complete, 1 failed) that asked for an email to `to`. */
async function completedSession(to: string | null = `ap+${++n}@example.com`) {
  const tenantId = `tenant-${++n}`;
  const sessionId = `ses_${n}`;
  await store.sessions.create({
    tenantId,
    sessionId,
    expectedJobs: 3,
    ...(to ? { notifyEmail: to } : {}),
    now: clock.now(),
  });
  await store.sessions.append({ tenantId, sessionId, documentIds: ['doc_a', 'doc_b'], now: clock.now() });
  const completion = createSessionCompletionStore(store.table);
  const session = await completion.complete({
    tenantId,
    sessionId,
    counts: { complete: 2, failed: 1, cancelled: 0 },
    now: clock.now(),
  });
  if (!session) throw new Error('not completed');
  return session;
}

const sentTo = (to: string) => smtp.received.filter((m) => m.to.includes(to));
const deps = (email: EmailSender | null = sender) => ({ store, clock, ...(email ? { email } : {}) });

describe('notifyUploader', () => {
  it('emails the counts once, however many settled hooks run it at the same moment', async () => {
    const session = await completedSession();
    const to = session.notifyEmail as string;
    const runs = await Promise.allSettled([1, 2, 3].map(() => notifyUploader(deps(), session)));
    // A loser that found the claim live throws (keeping its job's outbox marker) or finds it sent.
    for (const run of runs) if (run.status === 'rejected') expect(run.reason).toBeInstanceOf(RetryableError);
    await notifyUploader(deps(), (await store.sessions.get(session)) ?? session);
    await notifyUploader(deps(), session);
    const emails = sentTo(to);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.raw).toContain('Jobs complete: 2');
    expect(emails[0]?.raw).toContain('Jobs failed: 1');
    expect(emails[0]?.raw).toContain('Documents: 2');
    expect(await store.sessions.get(session)).toMatchObject({
      notifiedAt: expect.any(String),
      notifyAttempts: 1,
    });
    expect((await store.sessions.get(session))?.notifyError).toBeUndefined();
  });

  it('a refused address is given up on at once, recorded, and never tried again', async () => {
    const session = await completedSession();
    smtp.refuseRecipients(550);
    await notifyUploader(deps(), session);
    smtp.refuseRecipients(undefined);
    await notifyUploader(deps(), session);
    expect(sentTo(session.notifyEmail as string)).toHaveLength(0);
    expect(await store.sessions.get(session)).toMatchObject({
      notifiedAt: expect.any(String),
      notifyError: expect.stringContaining('email_rejected'),
    });
  });

  it('a deferral releases the claim and throws (the outbox marker stays); the next run sends once', async () => {
    const session = await completedSession();
    smtp.refuseRecipients(451);
    await expect(notifyUploader(deps(), session)).rejects.toMatchObject({ code: 'email_unavailable' });
    const held = await store.sessions.get(session);
    expect(held?.notifyClaimedAt).toBeUndefined();
    expect(held?.notifiedAt).toBeUndefined();
    smtp.refuseRecipients(undefined);
    await notifyUploader(deps(), session);
    await notifyUploader(deps(), session);
    expect(sentTo(session.notifyEmail as string)).toHaveLength(1);
  });

  it(`gives up after ${MAX_NOTIFY_ATTEMPTS} deferred attempts`, async () => {
    const session = await completedSession();
    smtp.refuseRecipients(451);
    for (let i = 1; i < MAX_NOTIFY_ATTEMPTS; i++) {
      await expect(notifyUploader(deps(), session)).rejects.toBeInstanceOf(RetryableError);
    }
    await notifyUploader(deps(), session);
    expect(await store.sessions.get(session)).toMatchObject({
      notifyAttempts: MAX_NOTIFY_ATTEMPTS,
      notifyError: expect.stringContaining('email_unavailable'),
    });
  });

  it('a holder that died is taken over once its claim lapses', async () => {
    const session = await completedSession();
    const completion = createSessionCompletionStore(store.table);
    // Another process claimed and died before sending.
    expect(
      await completion.claimNotification({ ...session, now: clock.now(), staleBefore: clock.now() }),
    ).toBeDefined();
    await expect(notifyUploader(deps(), session)).rejects.toMatchObject({ code: 'session_notify_busy' });
    nowMs += 60_000;
    await notifyUploader(deps(), session);
    expect(sentTo(session.notifyEmail as string)).toHaveLength(1);
  });

  it('without a configured sender, records why nothing was sent; without an address, does nothing', async () => {
    const session = await completedSession();
    await notifyUploader(deps(null), session);
    expect(await store.sessions.get(session)).toMatchObject({
      notifiedAt: expect.any(String),
      notifyError: expect.stringContaining('not configured'),
    });
    const quiet = await completedSession(null);
    await notifyUploader(deps(), quiet);
    expect(await store.sessions.get(quiet)).not.toHaveProperty('notifyAttempts');
  });

  it('refuses to store an address that could inject a header', async () => {
    await expect(
      store.sessions.create({
        tenantId: 'tenant-x',
        sessionId: 'ses_x',
        notifyEmail: 'ap@example.com\r\nBcc: all@example.com',
        now: clock.now(),
      }),
    ).rejects.toThrow();
  });
});

describe('sessionCompletedEmail', () => {
  it('says what finished, under a Message-ID that is the same on every run', () => {
    const session = {
      tenantId: 'acme',
      sessionId: 'ses_1',
      counts: { complete: 3, failed: 1, cancelled: 0 },
      documentIds: ['doc_1', 'doc_2'],
      completedAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
      notifyEmail: 'ap@example.com',
    };
    const email = sessionCompletedEmail(session);
    expect(email).toMatchObject({
      to: 'ap@example.com',
      subject: 'Paperlane: upload session ses_1 completed (3 complete, 1 failed)',
    });
    expect(email.text).toContain('Jobs cancelled: 0');
    expect(sessionCompletedEmail(session).messageId).toBe(email.messageId);
    expect(sessionCompletedEmail({ ...session, tenantId: 'globex' }).messageId).not.toBe(email.messageId);
  });
});
