import { createHash } from 'node:crypto';
import { ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store';
import { at, startTestDynamo, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('idempotency');
});
afterAll(async () => {
  await dynamo?.stop();
});

const fp = (text: string) => createHash('sha256').update(text).digest('hex');
const LEASE = 60_000;
const response = {
  status: 202,
  headers: { 'content-type': 'application/json' },
  body: new Uint8Array([1, 2, 3]),
};

describe('idempotency store', () => {
  it('claims a key once; the same request then replays the stored response', async () => {
    const claim = { tenantId: 'acme', key: 'k-1', fingerprint: fp('a'), now: at(0), leaseMs: LEASE };
    const first = await store.idempotency.claim(claim);
    expect(first.kind).toBe('claimed');
    expect(await store.idempotency.claim({ ...claim, now: at(10) })).toEqual({
      kind: 'in_progress',
      lockedUntil: at(LEASE),
    });
    if (first.kind !== 'claimed') throw new Error('unreachable');
    expect(
      await store.idempotency.complete({ tenantId: 'acme', key: 'k-1', claimId: first.claimId, response }),
    ).toBe(true);
    expect(await store.idempotency.claim({ ...claim, now: at(20) })).toEqual({ kind: 'replay', response });
    expect(await store.idempotency.claim({ ...claim, fingerprint: fp('b'), now: at(30) })).toEqual({
      kind: 'mismatch',
    });
  });

  it('scopes keys per tenant', async () => {
    const claim = { key: 'shared', fingerprint: fp('a'), now: at(0), leaseMs: LEASE };
    expect((await store.idempotency.claim({ ...claim, tenantId: 'acme' })).kind).toBe('claimed');
    expect((await store.idempotency.claim({ ...claim, tenantId: 'globex' })).kind).toBe('claimed');
    // A different body under another tenant's key is no conflict either.
    expect(
      (await store.idempotency.claim({ ...claim, tenantId: 'initech', fingerprint: fp('z') })).kind,
    ).toBe('claimed');
  });

  it('frees a released key, a lapsed claim of the same request, and any key after 24 h', async () => {
    const claim = { tenantId: 'acme', key: 'k-2', fingerprint: fp('a'), now: at(0), leaseMs: LEASE };
    const first = await store.idempotency.claim(claim);
    if (first.kind !== 'claimed') throw new Error(`expected a claim, got ${first.kind}`);
    expect(await store.idempotency.release({ tenantId: 'acme', key: 'k-2', claimId: first.claimId })).toBe(
      true,
    );
    const second = await store.idempotency.claim({ ...claim, now: at(1) });
    if (second.kind !== 'claimed') throw new Error(`expected a claim, got ${second.kind}`);
    // The holder died: a different request still may not take the key, the same one may after the lease.
    expect((await store.idempotency.claim({ ...claim, fingerprint: fp('b'), now: at(LEASE + 2) })).kind).toBe(
      'mismatch',
    );
    const takeover = await store.idempotency.claim({ ...claim, now: at(LEASE + 2) });
    expect(takeover.kind).toBe('claimed');
    // The old holder can neither store nor release what is no longer its claim.
    expect(
      await store.idempotency.complete({ tenantId: 'acme', key: 'k-2', claimId: second.claimId, response }),
    ).toBe(false);
    expect(await store.idempotency.release({ tenantId: 'acme', key: 'k-2', claimId: second.claimId })).toBe(
      false,
    );
    // A day later the key is new, even for a different request.
    const later = at(24 * 3600 * 1000 + LEASE + 3);
    expect((await store.idempotency.claim({ ...claim, fingerprint: fp('c'), now: later })).kind).toBe(
      'claimed',
    );
  });

  it('refuses hostile keys and fingerprints before they reach a key expression', async () => {
    const base = { tenantId: 'acme', fingerprint: fp('a'), now: at(0), leaseMs: LEASE };
    for (const key of ['', 'x'.repeat(256), 'a\nb', 'tab\there', ' lead', 'caf\u00e9']) {
      await expect(store.idempotency.claim({ ...base, key })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(store.idempotency.claim({ ...base, key: 'ok', fingerprint: 'nope' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(store.idempotency.claim({ ...base, key: 'ok', tenantId: 'a#b' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    // Keys holding the separator are hashed, so they are ordinary keys.
    expect((await store.idempotency.claim({ ...base, key: 'T#globex#IDEM#x' })).kind).toBe('claimed');
  });
});
