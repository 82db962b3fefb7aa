import {
  type BudgetUsage,
  budgetPeriod,
  type Clock,
  checkBudget,
  type JobContext,
  type JobHandler,
  type JobResult,
  PermanentError,
  type QueueName,
  systemClock,
  type TenantBudgetPolicy,
} from '@paperlane/core';
import type { Store } from '@paperlane/store/store';

/** A PDF's own text layer: reading it costs no OCR page. */
const TEXT_LAYER_PROVIDER = 'pdf-text';

const METRIC_NAMES = { ocr_pages: 'OCR page', llm_tokens: 'LLM token' } as const;

interface BudgetDeps {
  store: Pick<Store, 'budgets'>;
  policy: TenantBudgetPolicy;
  clock?: Clock;
}

/** What one kind of job spends, and where else than its job a refusal must show. */
interface BudgetRules<Q extends QueueName> {
  /** What the finished job spent; read after it ran. */
  spent(ctx: JobContext<Q>, result: JobResult | undefined): Promise<BudgetUsage> | BudgetUsage;
  /** Records the refusal on what the job was for (the document), before the job fails. */
  refused?(ctx: JobContext<Q>, reason: string, now: Date): Promise<void>;
}

/**
 * The check-then-charge every budgeted job shares. A tenant whose OCR-page or LLM-token
 * budget for the period is used up gets the job failed for good with
 * `tenant_budget_exhausted` (a PermanentError: no retries that would spend again or storm
 * the queue) before it reads anything; afterwards what it spent is charged to the period,
 * keyed by job id so a redelivery does not charge twice. A job that starts with budget
 * left may overrun it by its own document: cost is only known once it has run.
 */
function withinBudget<Q extends QueueName>(
  handler: JobHandler<Q>,
  deps: BudgetDeps,
  rules: BudgetRules<Q>,
): JobHandler<Q> {
  const clock = deps.clock ?? systemClock;
  return async (ctx) => {
    const { tenantId } = ctx.job;
    const now = clock.now();
    const over = await checkBudget(
      deps.policy,
      (periodStart) => deps.store.budgets.usage({ tenantId, periodStart }),
      tenantId,
      now,
    );
    if (over) {
      const reason = `the tenant's ${METRIC_NAMES[over.metric]} budget is used up (${over.used} of ${over.limit}); it resets at ${over.resetsAt.toISOString()}`;
      await rules.refused?.(ctx, reason, now);
      throw new PermanentError(reason, { code: 'tenant_budget_exhausted' });
    }
    const result = await handler(ctx);
    const spent = await rules.spent(ctx, result);
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

/**
 * Budgets on the invoice-processing consumer: a refused job leaves its invoice `error` and
 * its document `failed` with the reason; a finished one is charged the pages OCR read
 * (none for a PDF text layer or a reused result) and the tokens extraction recorded.
 *
 * @example const handler = budgeted(createInvoiceProcessingHandler(deps), { store, policy });
 */
export function budgeted(
  handler: JobHandler<'invoice-processing'>,
  deps: BudgetDeps & { store: Pick<Store, 'budgets' | 'invoices' | 'documents'> },
): JobHandler<'invoice-processing'> {
  const { store } = deps;
  return withinBudget(handler, deps, {
    async refused(ctx, reason, now) {
      const { tenantId, invoiceId } = ctx.payload;
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
    },
    async spent(ctx, result) {
      const { tenantId, invoiceId } = ctx.payload;
      if (result !== undefined && 'reused_from' in result) return { ocr_pages: 0, llm_tokens: 0 };
      const invoice = await store.invoices.get({ tenantId, invoiceId });
      return {
        ocr_pages: invoice && invoice.ocrProvider !== TEXT_LAYER_PROVIDER ? (invoice.pageCount ?? 0) : 0,
        llm_tokens: invoice?.usage ? invoice.usage.promptTokens + invoice.usage.completionTokens : 0,
      };
    },
  });
}

/** A non-negative whole number a job reported, or 0. */
const countIn = (result: JobResult | undefined, key: string): number => {
  const value = result?.[key];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
};

/**
 * Budgets on the llm-summary consumer: a summary is model tokens too, so it is refused
 * once the tenant's budget is used up (the job fails with `tenant_budget_exhausted`; the
 * document keeps its extracted fields, it only lacks a summary) and charged the tokens
 * its calls used, plus the pages it OCR'd itself when no OCR text was stored. A document
 * that already had a summary spends nothing.
 *
 * @example const handler = budgetedSummary(createLlmSummaryHandler(deps), { store, policy });
 */
export function budgetedSummary(
  handler: JobHandler<'llm-summary'>,
  deps: BudgetDeps,
): JobHandler<'llm-summary'> {
  return withinBudget(handler, deps, {
    spent: (_ctx, result) => ({
      ocr_pages: result?.ocr_provider === TEXT_LAYER_PROVIDER ? 0 : countIn(result, 'ocr_pages'),
      llm_tokens: countIn(result, 'token_count'),
    }),
  });
}
