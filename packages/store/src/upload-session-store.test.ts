import { ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionCompletionStore, type SessionCompletionStore } from './session-completion-store';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';
import type { UploadSessionStore } from './upload-session-store';

let dynamo: TestDynamo;
let sessions: UploadSessionStore;
let completion: SessionCompletionStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  const store = await dynamo.freshStore('sessions');
  sessions = store.sessions;
  completion = createSessionCompletionStore(store.table);
});

afterAll(async () => {
  await dynamo.stop();
});

describe('upload sessions', () => {
  it('creates an open, empty session, idempotently', async () => {
    const input = {
      tenantId: 'tenant-a',
      sessionId: 'session-1',
      createdBy: 'user-1',
      expiresAt: at(3_600_000),
      now: T0,
    };
    const first = await sessions.create(input);
    expect(first).toEqual({
      created: true,
      session: {
        tenantId: 'tenant-a',
        sessionId: 'session-1',
        createdBy: 'user-1',
        documentIds: [],
        jobIds: [],
        status: 'open',
        createdAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
        expiresAt: at(3_600_000).toISOString(),
      },
    });
    expect(await sessions.get(input)).toEqual(first.session);
    expect(await sessions.create({ ...input, createdBy: 'user-2', now: at(1) })).toEqual({
      created: false,
      session: first.session,
    });
  });

  it('appends documents and jobs idempotently, then completes', async () => {
    const ref = { tenantId: 'tenant-a', sessionId: 'session-2' };
    await sessions.create({ ...ref, now: T0 });
    await sessions.append({ ...ref, documentIds: ['doc-2', 'doc-1'], jobIds: ['job-1'], now: at(1) });
    const again = await sessions.append({
      ...ref,
      documentIds: ['doc-1'],
      jobIds: ['job-1', 'job-2'],
      now: at(2),
    });
    expect(again).toMatchObject({
      documentIds: ['doc-1', 'doc-2'],
      jobIds: ['job-1', 'job-2'],
      updatedAt: at(2).toISOString(),
    });
    const counts = { complete: 1, failed: 1, cancelled: 0 };
    expect(await completion.complete({ ...ref, counts, now: at(3) })).toMatchObject({
      status: 'complete',
      counts,
      completedAt: at(3).toISOString(),
    });
    // Exactly one completion wins; a second keeps the first counts.
    expect(
      await completion.complete({ ...ref, counts: { complete: 2, failed: 0, cancelled: 0 }, now: at(4) }),
    ).toBeUndefined();
    expect((await sessions.get(ref))?.counts).toEqual(counts);
    // Ingest may record its jobs after they all finished: the ids are kept.
    expect(await sessions.append({ ...ref, jobIds: ['job-3'], now: at(5) })).toMatchObject({
      jobIds: ['job-1', 'job-2', 'job-3'],
    });
  });

  it('lets one process at a time claim the announcement, and takes over a lapsed claim', async () => {
    const ref = { tenantId: 'tenant-a', sessionId: 'session-announce' };
    await sessions.create({ ...ref, expectedJobs: 2, now: T0 });
    expect((await sessions.get(ref))?.expectedJobs).toBe(2);
    // Not complete yet: nothing to announce.
    expect(await completion.claimAnnouncement({ ...ref, now: at(1), staleBefore: T0 })).toBeUndefined();
    await completion.complete({ ...ref, counts: { complete: 2, failed: 0, cancelled: 0 }, now: at(2) });
    const first = await completion.claimAnnouncement({ ...ref, now: at(3), staleBefore: at(2) });
    expect(first?.announceClaimedAt).toBe(at(3).toISOString());
    // A live claim keeps others out; once it is older than staleBefore, it can be taken over.
    expect(await completion.claimAnnouncement({ ...ref, now: at(4), staleBefore: at(3) })).toBeUndefined();
    const second = await completion.claimAnnouncement({ ...ref, now: at(10), staleBefore: at(5) });
    expect(second?.announceClaimedAt).toBe(at(10).toISOString());
    // The lapsed holder cannot record an announcement under its lost claim.
    expect(await completion.markAnnounced({ ...ref, claimedAt: at(3).toISOString(), now: at(11) })).toBe(
      false,
    );
    expect(await completion.markAnnounced({ ...ref, claimedAt: at(10).toISOString(), now: at(11) })).toBe(
      true,
    );
    expect(await completion.markAnnounced({ ...ref, claimedAt: at(10).toISOString(), now: at(12) })).toBe(
      false,
    );
    expect(await completion.claimAnnouncement({ ...ref, now: at(99), staleBefore: at(98) })).toBeUndefined();
    expect((await sessions.get(ref))?.announcedAt).toBe(at(11).toISOString());
  });

  it('refuses hostile counts and expected totals', async () => {
    const ref = { tenantId: 'tenant-a', sessionId: 'session-hostile' };
    await expect(sessions.create({ ...ref, expectedJobs: -1, now: T0 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await sessions.create({ ...ref, now: T0 });
    await expect(
      completion.complete({ ...ref, counts: { complete: -1, failed: 0, cancelled: 0 }, now: at(1) }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await sessions.get(ref))?.status).toBe('open');
  });

  it('refuses to append to a missing or foreign session, creating nothing', async () => {
    expect(
      await sessions.append({ tenantId: 'tenant-a', sessionId: 'nope', jobIds: ['j'], now: T0 }),
    ).toBeUndefined();
    expect(await sessions.get({ tenantId: 'tenant-a', sessionId: 'nope' })).toBeUndefined();
    await sessions.create({ tenantId: 'tenant-a', sessionId: 'session-3', now: T0 });
    const foreign = { tenantId: 'tenant-b', sessionId: 'session-3' };
    expect(await sessions.append({ ...foreign, jobIds: ['j'], now: at(1) })).toBeUndefined();
    expect(await sessions.get(foreign)).toBeUndefined();
    expect((await sessions.get({ tenantId: 'tenant-a', sessionId: 'session-3' }))?.jobIds).toEqual([]);
  });

  it('refuses hostile ids', async () => {
    for (const bad of ['', 'a#b', 'with space', 'x'.repeat(1024)]) {
      await expect(sessions.get({ tenantId: 'tenant-a', sessionId: bad })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(
        sessions.append({ tenantId: 'tenant-a', sessionId: 'session-1', documentIds: [bad], now: T0 }),
      ).rejects.toBeInstanceOf(ValidationError);
    }
  });
});
