import {
  type BudgetUsage,
  budgetPeriod,
  type Clock,
  checkBudget,
  type JobHandler,
  PermanentError,
  systemClock,
  type TenantBudgetPolicy,
} from '@paperlane/core';
import type { Store } from '@paperlane/store/store';

/** A PDF's own text layer: reading it costs no OCR page. */
const TEXT_LAYER_PROVIDER = 'pdf-text';

const METRIC_NAMES = { ocr_pages: 'OCR page', llm_tokens: 'LLM token' } as const;

/** Where a used-up budget stops a job: the invoice reads `error`, the document `failed`, with the reason. */
async function markRefused(
  store: Pick<Store, 'invoices' | 'documents'>,
  tenantId: string,
  invoiceId: string,
  reason: string,
  now: Date,
) {
  const invoice = await store.invoices.get({ tenantId, invoiceId });
  if (!invoice) return;
  await store.invoices.update({ tenantId, invoiceId, status: 'error', error: reason, now });
  await store.documents.update({
    tenantId,
    documentId: invoice.documentId,
    status: 'failed',
    error: reason,
    now,
  });
}

/**
 * Budgets on the invoice-processing consumer. Before the job reads anything, a tenant
 * whose OCR-page or LLM-token budget for the period is used up fails the job for good with
 * `tenant_budget_exhausted` (the document shows why) instead of spending past it; after
 * it, the pages OCR actually read and the tokens extraction recorded are charged to the
 * period, once per job. A job that starts with budget left may overrun it by its own
 * document: pages are only known once it is read.
 *
 * @example const handler = budgeted(createInvoiceProcessingHandler(deps), { store, policy });
 */
export function budgeted(
  handler: JobHandler<'invoice-processing'>,
  deps: {
    store: Pick<Store, 'budgets' | 'invoices' | 'documents'>;
    policy: TenantBudgetPolicy;
    clock?: Clock;
  },
): JobHandler<'invoice-processing'> {
  const clock = deps.clock ?? systemClock;
  return async (ctx) => {
    const { tenantId, invoiceId } = ctx.payload;
    const now = clock.now();
    const over = await checkBudget(
      deps.policy,
      (periodStart) => deps.store.budgets.usage({ tenantId, periodStart }),
      tenantId,
      now,
    );
    if (over) {
      const reason = `the tenant's ${METRIC_NAMES[over.metric]} budget is used up (${over.used} of ${over.limit}); it resets at ${over.resetsAt.toISOString()}`;
      await markRefused(deps.store, tenantId, invoiceId, reason, now);
      throw new PermanentError(reason, { code: 'tenant_budget_exhausted' });
    }
    const result = await handler(ctx);
    const invoice = await deps.store.invoices.get({ tenantId, invoiceId });
    const reused = result !== undefined && 'reused_from' in result;
    const spent: BudgetUsage = {
      ocr_pages:
        !reused && invoice && invoice.ocrProvider !== TEXT_LAYER_PROVIDER ? (invoice.pageCount ?? 0) : 0,
      llm_tokens: !reused && invoice?.usage ? invoice.usage.promptTokens + invoice.usage.completionTokens : 0,
    };
    if (spent.ocr_pages + spent.llm_tokens > 0) {
      const period = budgetPeriod(clock.now(), deps.policy.period);
      await deps.store.budgets.charge({
        tenantId,
        jobId: ctx.job.jobId,
        periodStart: period.start,
        // Kept a while past the period, for support questions about last month's bill.
        expiresAt: new Date(period.end.getTime() + 35 * 24 * 3600_000),
        spent,
      });
    }
    return result;
  };
}
