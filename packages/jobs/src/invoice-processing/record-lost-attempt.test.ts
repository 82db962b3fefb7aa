import { CONSUMER_LOST, consumerLostMessage, type JobRecord } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordLostInvoiceAttempt } from './record-lost-attempt';
import { type DocumentHarness, startDocumentHarness } from './test-harness';

let h: DocumentHarness;
beforeAll(async () => {
  h = await startDocumentHarness();
});
afterAll(async () => {
  await h?.stop();
});

const clock = { now: () => new Date() };

/** The invoice-processing job the upload queued, as the sweeper leaves it after a lost last attempt. */
async function lostJob(tenantId: string, errorCode = CONSUMER_LOST): Promise<JobRecord> {
  const jobs = await Promise.all(h.sent.map(({ jobId }) => h.store.jobs.get({ tenantId, jobId })));
  const job = jobs.find((j) => j?.queue === 'invoice-processing');
  if (!job) throw new Error('no invoice-processing job queued');
  return { ...job, status: 'failed', errorCode, lastError: consumerLostMessage(job.maxAttempts) };
}

describe('recordLostInvoiceAttempt', () => {
  it('marks the invoice error and the document failed with the reason', async () => {
    const { tenantId, invoiceId, documentId } = await h.ingest('en-us-classic.pdf');
    const job = await lostJob(tenantId);
    await recordLostInvoiceAttempt({ store: h.store, clock }, job);
    expect(job.lastError).toMatch(/^consumer stopped responding during the last of \d+ attempts$/);
    expect(await h.store.invoices.get({ tenantId, invoiceId })).toMatchObject({
      status: 'error',
      error: job.lastError,
    });
    expect(await h.store.documents.get({ tenantId, documentId })).toMatchObject({ status: 'failed' });
  });

  it('leaves an invoice alone that was processed before its consumer died, and any other failure', async () => {
    const { tenantId, invoiceId } = await h.ingest('en-us-classic.pdf');
    await h.store.invoices.update({ tenantId, invoiceId, status: 'processed', now: new Date() });
    await recordLostInvoiceAttempt({ store: h.store, clock }, await lostJob(tenantId));
    expect(await h.store.invoices.get({ tenantId, invoiceId })).toMatchObject({ status: 'processed' });

    // A handled failure already recorded its own reason on the invoice.
    const handled = await h.ingest('en-us-classic.pdf');
    await recordLostInvoiceAttempt({ store: h.store, clock }, await lostJob(handled.tenantId, 'ocr_failed'));
    expect(
      await h.store.invoices.get({ tenantId: handled.tenantId, invoiceId: handled.invoiceId }),
    ).toMatchObject({
      status: 'pending',
    });
  });
});
