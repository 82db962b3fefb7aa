import { randomBytes } from 'node:crypto';
import { createLocalSecretCipher } from '@paperlane/adapters/crypto';
import { checkMailboxEndpoint } from '@paperlane/adapters/imap/mailbox-endpoint';
import { type BlobStore, type Clock, DEFAULT_TOPOLOGY, PermanentError, silentLogger } from '@paperlane/core';
import { createDispatcher, type Transport } from '@paperlane/runtime';
import { mailboxSecretContext, type Store } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { createTokenVerifier, mintToken } from '../src/auth/tokens';
import type { ApiDeps } from '../src/deps';
import { createRateLimiter } from '../src/middleware/rate-limit';

const SECRET = 'mailbox-test-secret-long-enough-for-hs256';
const secrets = createLocalSecretCipher({ key: randomBytes(32).toString('base64') });
let dynamo: TestDynamo;
let store: Store;
const clock: Clock = { now: () => new Date('2026-03-28T12:00:00Z') };
const sent: string[] = [];
const transport: Transport = {
  name: 'recording',
  send: async (messages) => {
    for (const m of messages) sent.push(m.envelope.queue);
    return [];
  },
  close: async () => {},
};

let app: ReturnType<typeof createApp>;
let bare: ReturnType<typeof createApp>;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('api-mailboxes');
  const dispatcher = createDispatcher({
    store: store.jobs,
    transport,
    topology: DEFAULT_TOPOLOGY,
    clock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  });
  const deps: ApiDeps = {
    store,
    blobs: {} as BlobStore,
    dispatcher,
    events: { publish: async () => {}, subscribe: () => () => {}, close: async () => {} },
    verifyToken: createTokenVerifier({ secret: SECRET }),
    limits: { maxFileBytes: 1, maxFiles: 1, maxRequestBytes: 1 },
    rateLimiter: createRateLimiter({ perMinute: 1000 }),
    sniff: () => {
      throw new PermanentError('unused');
    },
    clock,
    logger: silentLogger,
    health: [],
    sweepGraceMs: 60_000,
  };
  app = createApp({
    ...deps,
    mailboxes: {
      secrets,
      checkEndpoint: (endpoint) => checkMailboxEndpoint(endpoint, { allowInsecureLoopback: false }),
    },
  });
  bare = createApp(deps);
});
afterAll(async () => {
  await dynamo?.stop();
});

type Who = { tenantId?: string; userId?: string; role?: 'user' | 'admin' };
async function call(who: Who, method: string, path: string, body?: unknown, target = app) {
  const token = await mintToken(SECRET, {
    tenantId: who.tenantId ?? 'acme',
    userId: who.userId ?? 'alice',
    role: who.role ?? 'user',
  });
  const response = await target.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

const alice: Who = { userId: 'alice' };
const valid = { host: 'imap.example.com', user: 'invoices@acme.example', password: 'hunter2-very-secret' };

describe('mailbox routes', () => {
  it('creates with defaults, seals the password and never returns it', async () => {
    const created = await call(alice, 'POST', '/api/mailboxes', valid);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      host: 'imap.example.com',
      port: 993,
      tls: 'tls',
      folder: 'INBOX',
      after_processing: 'mark_seen',
      enabled: true,
      tenant_user_id: 'alice',
    });
    expect(created.body.mailbox_id).toMatch(/^mbx_/);
    expect(created.text).not.toContain('hunter2');
    expect(created.text).not.toMatch(/password/i);
    const record = await store.mailboxes.get({ tenantId: 'acme', mailboxId: created.body.mailbox_id });
    expect(record?.passwordCiphertext).not.toContain('hunter2');
    expect(
      await secrets.decrypt(record!.passwordCiphertext, mailboxSecretContext('acme', record!.mailboxId)),
    ).toBe('hunter2-very-secret');
    const listed = await call(alice, 'GET', '/api/mailboxes');
    expect(listed.text).not.toContain('hunter2');
    expect(listed.body.mailboxes.map((m: { mailbox_id: string }) => m.mailbox_id)).toContain(
      created.body.mailbox_id,
    );
  });

  it('refuses hostile input with machine-readable codes', async () => {
    const cases: [unknown, number, string][] = [
      [{ ...valid, host: '169.254.169.254' }, 400, 'mailbox_host_forbidden'],
      [{ ...valid, host: 'localhost' }, 400, 'mailbox_host_forbidden'],
      [{ ...valid, host: 'vault.internal' }, 400, 'mailbox_host_forbidden'],
      // Numeric spellings of loopback and metadata, refused at registration as at connect time.
      ...['2130706433', '127.1', '0x7f.1', '0177.0.0.1', '0xa9fea9fe', '[::ffff:127.0.0.1]', '[fe80::1]'].map(
        (host): [unknown, number, string] => [{ ...valid, host }, 400, 'mailbox_host_forbidden'],
      ),
      [{ ...valid, tls: 'none' }, 400, 'mailbox_tls_required'],
      [{ ...valid, host: 'imap.example.com\r\nX: y' }, 400, 'invalid_request'],
      [{ ...valid, host: 'http://imap.example.com/' }, 400, 'invalid_request'],
      [{ ...valid, folder: 'INBOX\r\na DELETE INBOX' }, 400, 'invalid_request'],
      [{ ...valid, after_processing: 'delete' }, 400, 'invalid_request'],
      [{ ...valid, after_processing: 'move:' }, 400, 'invalid_request'],
      [{ ...valid, password: 'x'.repeat(5000) }, 400, 'invalid_request'],
      [{ ...valid, port: 70000 }, 400, 'invalid_request'],
      [{ ...valid, password_ciphertext: 'l1.x.y.z' }, 400, 'invalid_request'],
      [{ ...valid, sender_filter: Array.from({ length: 51 }, () => '@x.example') }, 400, 'invalid_request'],
      [{ host: 'imap.example.com' }, 400, 'invalid_request'],
      ['{"host": ', 400, 'malformed_body'],
    ];
    for (const [body, status, code] of cases) {
      const result = await call(alice, 'POST', '/api/mailboxes', body);
      expect({ body, status: result.status, code: result.body?.error?.code }).toEqual({ body, status, code });
    }
  });

  it("hides another user's and another tenant's mailbox; an admin sees the tenant's", async () => {
    const { body } = await call(alice, 'POST', '/api/mailboxes', valid);
    const id = body.mailbox_id as string;
    for (const who of [{ userId: 'bob' }, { tenantId: 'other', userId: 'alice' }]) {
      expect((await call(who, 'GET', `/api/mailboxes/${id}`)).status).toBe(404);
      expect((await call(who, 'PATCH', `/api/mailboxes/${id}`, { name: 'mine' })).status).toBe(404);
      expect((await call(who, 'POST', `/api/mailboxes/${id}/sync`)).status).toBe(404);
      expect((await call(who, 'GET', `/api/mailboxes/${id}/syncs`)).status).toBe(404);
      expect((await call(who, 'DELETE', `/api/mailboxes/${id}`)).status).toBe(404);
    }
    const otherTenant = await call({ tenantId: 'other', role: 'admin' }, 'GET', '/api/mailboxes');
    expect(otherTenant.body.mailboxes).toEqual([]);
    expect((await call({ userId: 'root', role: 'admin' }, 'GET', `/api/mailboxes/${id}`)).status).toBe(200);
    expect((await call(alice, 'GET', '/api/mailboxes/bad%23id')).status).toBe(400);
  });

  it('changes settings, re-seals a new password and restarts the cursor when the account moves', async () => {
    const { body } = await call(alice, 'POST', '/api/mailboxes', { ...valid, subject_filter: 'Invoice' });
    const id = body.mailbox_id as string;
    await store.mailboxes.saveCursor({ tenantId: 'acme', mailboxId: id, uidValidity: '5', lastUid: 40 });
    const before = await store.mailboxes.get({ tenantId: 'acme', mailboxId: id });
    const patched = await call(alice, 'PATCH', `/api/mailboxes/${id}`, {
      password: 'new-secret-pass',
      folder: 'Invoices',
      subject_filter: null,
      after_processing: 'move:Done',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ folder: 'Invoices', after_processing: 'move:Done', revision: 2 });
    expect(patched.body.subject_filter).toBeUndefined();
    expect(patched.body.last_uid).toBeUndefined();
    expect(patched.text).not.toContain('new-secret-pass');
    const after = await store.mailboxes.get({ tenantId: 'acme', mailboxId: id });
    expect(after?.passwordCiphertext).not.toBe(before?.passwordCiphertext);
    expect(await secrets.decrypt(after!.passwordCiphertext, mailboxSecretContext('acme', id))).toBe(
      'new-secret-pass',
    );
    expect((await call(alice, 'PATCH', `/api/mailboxes/${id}`, { host: '10.1.2.3' })).body.error.code).toBe(
      'mailbox_host_forbidden',
    );
  });

  it('queues a sync (202), refuses a disabled mailbox (409) and shows the history', async () => {
    const { body } = await call(alice, 'POST', '/api/mailboxes', valid);
    const id = body.mailbox_id as string;
    sent.length = 0;
    const queued = await call(alice, 'POST', `/api/mailboxes/${id}/sync`);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ queue: 'email-sync', target_type: 'mailbox', target_id: id });
    expect(sent).toEqual(['email-sync']);
    await store.mailboxes.addRun({
      tenantId: 'acme',
      mailboxId: id,
      runId: 'run_1',
      status: 'ok',
      startedAt: '2026-03-28T12:00:00.000Z',
      finishedAt: '2026-03-28T12:00:01.000Z',
      fetched: 3,
      imported: 1,
      skipped: 2,
      errors: 0,
      skips: [{ uid: 2, reason: 'archive_not_supported', detail: 'x.zip' }],
    });
    const history = await call(alice, 'GET', `/api/mailboxes/${id}/syncs`);
    expect(history.body.syncs).toEqual([
      expect.objectContaining({
        run_id: 'run_1',
        imported: 1,
        skips: [{ uid: 2, reason: 'archive_not_supported', detail: 'x.zip' }],
      }),
    ]);
    await call(alice, 'PATCH', `/api/mailboxes/${id}`, { enabled: false });
    expect((await call(alice, 'POST', `/api/mailboxes/${id}/sync`)).status).toBe(409);
    expect((await call(alice, 'DELETE', `/api/mailboxes/${id}`)).status).toBe(204);
    expect((await call(alice, 'GET', `/api/mailboxes/${id}`)).status).toBe(404);
  });

  it('refuses mass assignment on create and patch, and leaves the record as it was', async () => {
    const { body } = await call(alice, 'POST', '/api/mailboxes', valid);
    const id = body.mailbox_id as string;
    for (const extra of [
      { tenant_user_id: 'bob' },
      { mailbox_id: 'mbx_mine' },
      { tenant_id: 'other' },
      { revision: 99 },
      { last_uid: 0 },
      { last_error: null },
      { password_ciphertext: 'l1.x.y.z' },
      { created_at: '2020-01-01T00:00:00.000Z' },
    ]) {
      const created = await call(alice, 'POST', '/api/mailboxes', { ...valid, ...extra });
      expect([extra, created.status, created.body?.error?.code]).toEqual([extra, 400, 'invalid_request']);
      const patched = await call(alice, 'PATCH', `/api/mailboxes/${id}`, extra);
      expect([extra, patched.status, patched.body?.error?.code]).toEqual([extra, 400, 'invalid_request']);
    }
    expect((await call(alice, 'GET', `/api/mailboxes/${id}`)).body).toEqual(body);
  });

  it('refuses hostile patch bodies and queries with coded 4xx, changing nothing', async () => {
    const { body } = await call(alice, 'POST', '/api/mailboxes', valid);
    const id = body.mailbox_id as string;
    const patches: [unknown, string][] = [
      ['{"name": ', 'malformed_body'],
      ['[]', 'invalid_request'],
      ['null', 'invalid_request'],
      ['"name"', 'invalid_request'],
      [{ name: 'x'.repeat(101) }, 'invalid_request'],
      [{ folder: 'INBOX\u0000' }, 'invalid_request'],
      [{ folder: '*' }, 'invalid_request'],
      [{ tls: 'ssl' }, 'invalid_request'],
      [{ port: 0 }, 'invalid_request'],
      [{ port: '993' }, 'invalid_request'],
      [{ enabled: 'yes' }, 'invalid_request'],
      [{ password: '' }, 'invalid_request'],
      [{ sender_filter: 'a@b.c' }, 'invalid_request'],
      [{ after_processing: 'move:INBOX\r\nA1 LOGOUT' }, 'invalid_request'],
      [{ host: '[::1]' }, 'mailbox_host_forbidden'],
      [{ host: '192.168.0.10' }, 'mailbox_host_forbidden'],
      [{ host: 'mail.corp' }, 'mailbox_host_forbidden'],
      [{ tls: 'none' }, 'mailbox_tls_required'],
    ];
    for (const [patch, code] of patches) {
      const result = await call(alice, 'PATCH', `/api/mailboxes/${id}`, patch);
      expect([patch, result.status, result.body?.error?.code]).toEqual([patch, 400, code]);
    }
    expect((await call(alice, 'GET', `/api/mailboxes/${id}`)).body).toEqual(body);

    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'cursor=%00', `cursor=${'x'.repeat(3000)}`]) {
      const result = await call(alice, 'GET', `/api/mailboxes?${query}`);
      expect([query, result.status]).toEqual([query, 400]);
    }
    expect((await call(alice, 'GET', `/api/mailboxes/${id}/syncs?limit=0`)).status).toBe(400);
    // A cursor is good for the list it came from only: not for another tenant's.
    await call(alice, 'POST', '/api/mailboxes', valid);
    const page = await call(alice, 'GET', '/api/mailboxes?limit=1');
    expect(page.body.cursor).toBeTypeOf('string');
    const stolen = await call(
      { tenantId: 'other', userId: 'alice' },
      'GET',
      `/api/mailboxes?cursor=${page.body.cursor}`,
    );
    expect(stolen).toMatchObject({ status: 400, body: { error: { code: 'invalid_cursor' } } });
  });

  it("hides a tenant's mailbox from another tenant's admin on every route", async () => {
    const { body } = await call(alice, 'POST', '/api/mailboxes', valid);
    const id = body.mailbox_id as string;
    const admin = { tenantId: 'other', userId: 'root', role: 'admin' as const };
    expect((await call(admin, 'GET', `/api/mailboxes/${id}`)).status).toBe(404);
    expect((await call(admin, 'PATCH', `/api/mailboxes/${id}`, { enabled: false })).status).toBe(404);
    expect((await call(admin, 'POST', `/api/mailboxes/${id}/sync`)).status).toBe(404);
    expect((await call(admin, 'GET', `/api/mailboxes/${id}/syncs`)).status).toBe(404);
    expect((await call(admin, 'DELETE', `/api/mailboxes/${id}`)).status).toBe(404);
    expect((await call(alice, 'GET', `/api/mailboxes/${id}`)).body).toEqual(body);
  });

  it('answers 503 when the deployment has no secret cipher for mailboxes', async () => {
    const result = await call(alice, 'POST', '/api/mailboxes', valid, bare);
    expect(result).toMatchObject({ status: 503, body: { error: { code: 'mailboxes_unavailable' } } });
  });
});
