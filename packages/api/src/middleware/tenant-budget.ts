import { checkBudget, type TenantBudgetPolicy } from '@paperlane/core';
import type { TenantBudgetStore } from '@paperlane/store';
import { createMiddleware } from 'hono/factory';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';

/**
 * Refuses work that spends OCR pages or LLM tokens once the tenant's budget for the
 * period is used up: 429 `tenant_budget_exhausted`, `Retry-After` = seconds until the
 * period resets, and the metric in `details` (`metric:ocr_pages`, `resets_at:<ISO>`).
 * Without a policy it does nothing.
 */
export function withinBudget(deps: {
  budgets?: TenantBudgetPolicy;
  store: { budgets: Pick<TenantBudgetStore, 'usage'> };
  clock: { now(): Date };
}) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const policy = deps.budgets;
    if (policy) {
      const tenantId = c.get('principal').tenantId;
      const now = deps.clock.now();
      const over = await checkBudget(
        policy,
        (periodStart) => deps.store.budgets.usage({ tenantId, periodStart }),
        tenantId,
        now,
      );
      if (over) {
        const seconds = Math.max(1, Math.ceil((over.resetsAt.getTime() - now.getTime()) / 1000));
        throw new HttpError(
          429,
          'tenant_budget_exhausted',
          `this tenant's ${over.metric === 'ocr_pages' ? 'OCR page' : 'LLM token'} budget for the period is used up`,
          [
            `metric:${over.metric}`,
            `used:${over.used}`,
            `limit:${over.limit}`,
            `resets_at:${over.resetsAt.toISOString()}`,
          ],
          { 'retry-after': String(seconds) },
        );
      }
    }
    await next();
  });
}
