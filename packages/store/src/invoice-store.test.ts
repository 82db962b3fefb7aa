import { ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store';
import { at, startTestDynamo, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('invoices');
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('invoice store', () => {
  it('creates once, then returns the existing invoice', async () => {
    const input = {
      tenantId: 'tenant-a',
      invoiceId: 'inv-1',
      documentId: 'doc-1',
      source: 'upload' as const,
    };
    const first = await store.invoices.create({ ...input, now: at(0) });
    const again = await store.invoices.create({ ...input, source: 'email', now: at(5) });
    expect(first).toMatchObject({ created: true, invoice: { status: 'pending', source: 'upload' } });
    expect(again).toMatchObject({
      created: false,
      invoice: { source: 'upload', createdAt: at(0).toISOString() },
    });
  });

  it('records extraction results and removes fields with null', async () => {
    const updated = await store.invoices.update({
      tenantId: 'tenant-a',
      invoiceId: 'inv-1',
      status: 'processed',
      fields: {
        total: 12.5,
        currency: 'EUR',
        lineItems: [],
        taxes: [],
        confidence: { total: 0.9 },
        provider: 'rules',
      },
      extractor: 'rules',
      error: null,
      now: at(10),
    });
    expect(updated).toMatchObject({
      status: 'processed',
      fields: { total: 12.5, currency: 'EUR' },
      extractor: 'rules',
    });
    const cleared = await store.invoices.update({
      tenantId: 'tenant-a',
      invoiceId: 'inv-1',
      extractor: null,
      now: at(11),
    });
    expect(cleared?.extractor).toBeUndefined();
  });

  it('is tenant-scoped: another tenant sees nothing and cannot update', async () => {
    expect(await store.invoices.get({ tenantId: 'tenant-b', invoiceId: 'inv-1' })).toBeUndefined();
    expect(
      await store.invoices.update({ tenantId: 'tenant-b', invoiceId: 'inv-1', status: 'error', now: at(12) }),
    ).toBeUndefined();
    expect((await store.invoices.listByDocument('tenant-b', 'doc-1')).items).toEqual([]);
    expect((await store.invoices.listByDocument('tenant-a', 'doc-1')).items.map((i) => i.invoiceId)).toEqual([
      'inv-1',
    ]);
  });

  it('rejects hostile ids and invalid fields', async () => {
    await expect(store.invoices.get({ tenantId: 'tenant-a', invoiceId: 'a#b' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      store.invoices.update({
        tenantId: 'tenant-a',
        invoiceId: 'inv-1',
        fields: { currency: 'euro', provider: 'x' } as never,
        now: at(13),
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
