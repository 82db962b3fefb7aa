import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewMailbox } from './mailbox';
import type { Store } from './store';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('mailboxes');
});
afterAll(async () => {
  await dynamo?.stop();
});

function mailbox(overrides: Partial<NewMailbox> = {}): NewMailbox {
  return {
    tenantId: 'acme',
    tenantUserId: 'alice',
    mailboxId: `mbx_${Math.random().toString(36).slice(2, 10)}`,
    name: 'Invoices',
    host: 'IMAP.Example.com',
    port: 993,
    tls: 'tls',
    user: 'invoices@example.com',
    passwordCiphertext: 'l1.key.iv.body',
    folder: 'INBOX',
    senderFilter: [],
    afterProcessing: 'mark_seen',
    enabled: true,
    now: T0,
    ...overrides,
  };
}

const key = (m: { tenantId: string; mailboxId: string }) => ({
  tenantId: m.tenantId,
  mailboxId: m.mailboxId,
});

describe('mailbox store', () => {
  it('creates idempotently, normalises the host and isolates tenants', async () => {
    const input = mailbox();
    const first = await store.mailboxes.create(input);
    expect(first.created).toBe(true);
    expect(first.mailbox).toMatchObject({ host: 'imap.example.com', revision: 1, enabled: true });
    const again = await store.mailboxes.create({ ...input, name: 'other' });
    expect(again).toMatchObject({ created: false, mailbox: { name: 'Invoices' } });
    expect(await store.mailboxes.get({ tenantId: 'evil', mailboxId: input.mailboxId })).toBeUndefined();
    const evilList = await store.mailboxes.list('evil');
    expect(evilList.items).toEqual([]);
  });

  it('refuses hostile settings', async () => {
    await expect(store.mailboxes.create(mailbox({ host: 'imap.example.com/../x' }))).rejects.toThrow(
      /hostname/,
    );
    await expect(store.mailboxes.create(mailbox({ folder: 'INBOX\r\nA1 DELETE INBOX' }))).rejects.toThrow(
      /printable/,
    );
    await expect(
      store.mailboxes.create(mailbox({ afterProcessing: 'move:' as 'mark_seen' })),
    ).rejects.toThrow(/folder/);
    await expect(store.mailboxes.create(mailbox({ mailboxId: 'a#b' }))).rejects.toThrow(/mailboxId/);
    await expect(store.mailboxes.get({ tenantId: 'acme', mailboxId: 'x#y' })).rejects.toThrow(/mailboxId/);
  });

  it("lists one user's mailboxes or the tenant's", async () => {
    const tenantId = 'listing';
    await store.mailboxes.create(mailbox({ tenantId, tenantUserId: 'alice', mailboxId: 'mbx_a1' }));
    await store.mailboxes.create(mailbox({ tenantId, tenantUserId: 'bob', mailboxId: 'mbx_b1' }));
    const alices = await store.mailboxes.list(tenantId, { tenantUserId: 'alice' });
    expect(alices.items.map((m) => m.mailboxId)).toEqual(['mbx_a1']);
    const all = await store.mailboxes.list(tenantId);
    expect(all.items.map((m) => m.mailboxId).sort()).toEqual(['mbx_a1', 'mbx_b1']);
  });

  it('updates under a revision, resets the cursor on request, removes the subject filter', async () => {
    const { mailbox: created } = await store.mailboxes.create(mailbox({ subjectFilter: 'Invoice' }));
    expect(await store.mailboxes.saveCursor({ ...key(created), uidValidity: '7', lastUid: 10 })).toBe(true);
    const updated = await store.mailboxes.update({
      ...key(created),
      folder: 'Rechnungen',
      subjectFilter: null,
      expectRevision: 1,
      resetCursor: true,
      now: at(1000),
    });
    expect(updated).toMatchObject({ folder: 'Rechnungen', revision: 2 });
    expect(updated?.subjectFilter).toBeUndefined();
    expect(updated?.lastUid).toBeUndefined();
    expect(
      await store.mailboxes.update({ ...key(created), name: 'stale', expectRevision: 1, now: at(2000) }),
    ).toBeUndefined();
    expect(
      await store.mailboxes.update({
        tenantId: 'evil',
        mailboxId: created.mailboxId,
        name: 'x',
        now: at(2000),
      }),
    ).toBeUndefined();
  });

  it('never moves the cursor back under the same UIDVALIDITY, but follows a new one', async () => {
    const { mailbox: m } = await store.mailboxes.create(mailbox());
    expect(await store.mailboxes.saveCursor({ ...key(m), uidValidity: '100', lastUid: 5 })).toBe(true);
    expect(await store.mailboxes.saveCursor({ ...key(m), uidValidity: '100', lastUid: 3 })).toBe(false);
    expect(await store.mailboxes.saveCursor({ ...key(m), uidValidity: '200', lastUid: 1 })).toBe(true);
    expect(await store.mailboxes.get(key(m))).toMatchObject({ uidValidity: '200', lastUid: 1 });
    expect(
      await store.mailboxes.saveCursor({
        tenantId: 'acme',
        mailboxId: 'mbx_gone',
        uidValidity: '1',
        lastUid: 1,
      }),
    ).toBe(false);
  });

  it('records sync outcomes and keeps a newest-first history', async () => {
    const { mailbox: m } = await store.mailboxes.create(mailbox());
    await store.mailboxes.recordSync({
      ...key(m),
      at: at(1),
      error: { code: 'mailbox_auth_failed', message: 'no' },
    });
    expect((await store.mailboxes.get(key(m)))?.lastError).toEqual({
      code: 'mailbox_auth_failed',
      message: 'no',
      at: at(1).toISOString(),
    });
    await store.mailboxes.recordSync({ ...key(m), at: at(2), error: null });
    const cleared = await store.mailboxes.get(key(m));
    expect(cleared?.lastError).toBeUndefined();
    expect(cleared?.lastSyncAt).toBe(at(2).toISOString());
    for (const [n, runId] of ['run_1', 'run_2'].entries()) {
      await store.mailboxes.addRun({
        ...key(m),
        runId,
        status: 'ok',
        startedAt: at(n * 1000).toISOString(),
        finishedAt: at(n * 1000 + 10).toISOString(),
        fetched: 2,
        imported: 1,
        skipped: 1,
        errors: 0,
        skips: [{ uid: 3, reason: 'no_attachments' }],
      });
    }
    const runs = await store.mailboxes.listRuns(key(m));
    expect(runs.map((r) => r.runId)).toEqual(['run_2', 'run_1']);
    expect(runs[0]?.skips).toEqual([{ uid: 3, reason: 'no_attachments' }]);
    expect(await store.mailboxes.listRuns({ tenantId: 'evil', mailboxId: m.mailboxId })).toEqual([]);
  });

  it('writes a ledger entry once and deletes it with the mailbox', async () => {
    const { mailbox: m } = await store.mailboxes.create(mailbox());
    const messageKey = `mid:${'a'.repeat(64)}`;
    const entry = {
      ...key(m),
      messageKey,
      outcome: 'imported' as const,
      uid: 4,
      uidValidity: '9',
      documentIds: ['doc_1'],
      processedAt: T0.toISOString(),
    };
    expect((await store.mailboxes.markProcessed(entry)).created).toBe(true);
    const second = await store.mailboxes.markProcessed({ ...entry, uid: 99 });
    expect(second).toMatchObject({ created: false, entry: { uid: 4 } });
    expect(await store.mailboxes.findProcessed({ ...key(m), messageKey })).toMatchObject({ uid: 4 });
    await expect(store.mailboxes.findProcessed({ ...key(m), messageKey: 'mid:../../x' })).rejects.toThrow(
      /messageKey/,
    );
    await store.mailboxes.addRun({
      ...key(m),
      runId: 'run_x',
      status: 'ok',
      startedAt: T0.toISOString(),
      finishedAt: T0.toISOString(),
      fetched: 0,
      imported: 0,
      skipped: 0,
      errors: 0,
      skips: [],
    });
    expect(await store.mailboxes.delete(key(m))).toBe(true);
    expect(await store.mailboxes.delete(key(m))).toBe(false);
    expect(await store.mailboxes.findProcessed({ ...key(m), messageKey })).toBeUndefined();
    expect(await store.mailboxes.listRuns(key(m))).toEqual([]);
  });
});
