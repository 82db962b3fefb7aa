import type { UploadResponse } from '@paperlane/api';
import { settleSession } from '@paperlane/jobs/sessions/session-completion';
import {
  invoiceFixture,
  type RedisServer,
  type SmtpTestServer,
  startRedis,
  startSmtpServer,
} from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobHandlers } from '../src/handlers';
import { type ApiHarness, startApi, uploadForm } from './support/api-harness';
import { poll } from './support/supervised';

const runtimes = [
  { name: 'SQS lanes (embedded fauxqs)', redis: false },
  { name: 'BullMQ (redis-server)', redis: true },
] as const;

describe.each(runtimes)('the completion email on $name, to a real SMTP server', ({ redis: useRedis }) => {
  let redis: RedisServer | undefined;
  let smtp: SmtpTestServer;
  let api: ApiHarness;

  beforeAll(async () => {
    [redis, smtp] = await Promise.all([useRedis ? startRedis() : undefined, startSmtpServer()]);
    api = await startApi({
      env: {
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'paperlane@example.com',
        ...(redis ? { REDIS_URL: redis.url } : {}),
      },
      handlers: createJobHandlers,
      workers: true,
    });
  });
  afterAll(async () => {
    await api?.close();
    await Promise.all([smtp?.stop(), redis?.stop()]);
  });

  it('the uploader gets exactly one message with the counts once the session completes', async () => {
    const pdf = new Blob([await invoiceFixture('en-us-classic.pdf')], { type: 'application/pdf' });
    const empty = new Blob([Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')]);
    const response = await api.call('acme', '/api/upload', {
      method: 'POST',
      body: uploadForm(
        [
          { name: 'invoice.pdf', blob: pdf },
          { name: 'blank.pdf', blob: empty },
        ],
        { notify_email: 'ap@acme.example' },
      ),
    });
    expect(response.status).toBe(202);
    const { session_id: sessionId } = (await response.json()) as UploadResponse;

    const [message] = await smtp.waitFor(1);
    expect(message?.to).toEqual(['ap@acme.example']);
    expect(message?.from).toBe('paperlane@example.com');
    expect(message?.header('subject')).toContain(sessionId);
    // `notifiedAt` is written after the server's reply, and no event follows it.
    const session = await poll(async () => {
      const current = await api.container.store.sessions.get({ tenantId: 'acme', sessionId });
      return current?.notifiedAt ? current : undefined;
    });
    expect(session).toMatchObject({ status: 'complete', notifyAttempts: 1 });
    expect(session.notifyError).toBeUndefined();
    const counts = session.counts;
    // The good file's OCR, thumbnail and summary; the blank one's OCR fails (no text).
    expect(counts?.failed).toBeGreaterThanOrEqual(1);
    expect(message?.raw).toContain(`Jobs complete: ${counts?.complete}`);
    expect(message?.raw).toContain(`Jobs failed: ${counts?.failed}`);
    expect(message?.raw).toContain('Documents: 2');

    // The settled hook running again (the sweeper after a crash) sends nothing new.
    await settleSession(
      {
        store: api.container.store,
        events: api.container.events,
        domainEvents: api.container.domainEvents,
        clock: { now: () => new Date() },
      },
      { tenantId: 'acme', sessionId },
    );
    await api.container.recover();
    expect(smtp.received.filter((m) => m.raw.includes(sessionId))).toHaveLength(1);
  });

  it.each([
    ['a header injection', 'ap@acme.example\r\nBcc: everyone@acme.example'],
    ['a list', 'a@acme.example,b@acme.example'],
    ['a display name', 'AP <ap@acme.example>'],
    ['an address over 254 characters', `${'a'.repeat(250)}@acme.example`],
  ])('refuses notify_email with %s (400, nothing stored)', async (_, address) => {
    const pdf = new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')]);
    const form = await api.call('acme', '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: 'a.pdf', blob: pdf }], { notify_email: address }),
    });
    // Busboy may cut a 1 KB+ value: either way a coded 400.
    expect(form.status).toBe(400);
    expect(await form.json()).toMatchObject({
      error: { code: expect.stringMatching(/invalid_notify_email|invalid_upload_option/) },
    });
    const json = await api.call('acme', '/api/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: [{ file_name: 'a.pdf', size_bytes: 10 }], notify_email: address }),
    });
    expect(json.status).toBe(400);
  });

  it('a presigned session carries the address from its request', async () => {
    const asked = await api.call('acme', '/api/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        files: [{ file_name: 'a.pdf', size_bytes: 10 }],
        notify_email: 'big@acme.example',
      }),
    });
    expect(asked.status).toBe(201);
    const { session_id: sessionId } = (await asked.json()) as { session_id: string };
    const session = await api.container.store.sessions.get({ tenantId: 'acme', sessionId });
    expect(session?.notifyEmail).toBe('big@acme.example');
    const foreign = await api.container.store.sessions.get({ tenantId: 'globex', sessionId });
    expect(foreign).toBeUndefined();
  });
});
