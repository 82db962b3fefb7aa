import { type Clock, isConsumerLost, type JobRecord } from '@paperlane/core';
import type { Store } from '@paperlane/store';

/**
 * A settled hook for `invoice-processing` jobs whose consumer died during the last
 * attempt (crash, OOM, Lambda timeout): the handler never got to mark the invoice, so
 * it would read `processing` forever. Marks the invoice `error` and its document
 * `failed` with the job's reason, as a handled failure would.
 */
export async function recordLostInvoiceAttempt(
  deps: { store: Pick<Store, 'invoices' | 'documents'>; clock: Clock },
  job: JobRecord,
): Promise<void> {
  if (job.queue !== 'invoice-processing' || !isConsumerLost(job) || job.targetType !== 'invoice') return;
  const ref = { tenantId: job.tenantId, invoiceId: job.targetId };
  const current = await deps.store.invoices.get(ref);
  // Died after its work was written (the job just never heard): the invoice tells the truth already.
  if (!current || current.status === 'processed') return;
  const reason = job.lastError ?? 'the consumer stopped responding';
  const now = deps.clock.now();
  await deps.store.invoices.update({ ...ref, status: 'error', error: reason, now });
  await deps.store.documents.update({
    tenantId: job.tenantId,
    documentId: current.documentId,
    status: 'failed',
    error: reason,
    now,
  });
}
