import { ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';
import type { UploadSessionStore } from './upload-session-store';

let dynamo: TestDynamo;
let sessions: UploadSessionStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  ({ sessions } = await dynamo.freshStore('sessions'));
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
    expect(await sessions.complete({ ...ref, now: at(3) })).toMatchObject({ status: 'complete' });
    expect(await sessions.complete({ ...ref, now: at(4) })).toBeUndefined();
    expect(await sessions.append({ ...ref, documentIds: ['doc-3'], now: at(5) })).toBeUndefined();
    expect((await sessions.get(ref))?.documentIds).toEqual(['doc-1', 'doc-2']);
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
