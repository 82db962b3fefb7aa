/** What a tenant's budget counts, as the API names it. */
export type BudgetMetric = 'ocr_pages' | 'llm_tokens';

/** A tenant's allowance per period; an absent metric is unlimited. */
export type BudgetLimits = Partial<Record<BudgetMetric, number>>;

/** What a tenant spent in one period. */
export type BudgetUsage = Record<BudgetMetric, number>;

export type BudgetPeriod = 'day' | 'month';

/**
 * The UTC period `now` falls in: budgets reset at midnight UTC (`day`) or on the 1st of the
 * month (`month`).
 *
 * @example budgetPeriod(new Date('2026-12-05T09:00:00Z'), 'month') // { start: 2026-12-01T00:00Z, end: 2027-01-01T00:00Z }
 */
export function budgetPeriod(now: Date, period: BudgetPeriod): { start: Date; end: Date } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (period === 'month') return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
  const d = now.getUTCDate();
  return { start: new Date(Date.UTC(y, m, d)), end: new Date(Date.UTC(y, m, d + 1)) };
}

/** The first metric `usage` has used up, or `undefined` while every one has room. */
export function exhaustedMetric(limits: BudgetLimits, usage: BudgetUsage): BudgetMetric | undefined {
  for (const metric of ['ocr_pages', 'llm_tokens'] as const) {
    const limit = limits[metric];
    if (limit !== undefined && usage[metric] >= limit) return metric;
  }
  return undefined;
}

/** Who may spend how much per period: from configuration (`TENANT_BUDGET_*`). */
export interface TenantBudgetPolicy {
  period: BudgetPeriod;
  limits(tenantId: string): BudgetLimits;
}

/** A tenant whose budget is used up: which metric, and when the period resets. */
export interface ExhaustedBudget {
  metric: BudgetMetric;
  used: number;
  limit: number;
  resetsAt: Date;
}

/**
 * Whether `tenantId` has used up a budget this period, reading its usage only when it
 * has limits at all.
 *
 * @example const over = await checkBudget(policy, (start) => store.budgets.usage({ tenantId, periodStart: start }), tenantId, new Date());
 */
export async function checkBudget(
  policy: TenantBudgetPolicy,
  usage: (periodStart: Date) => Promise<BudgetUsage>,
  tenantId: string,
  now: Date,
): Promise<ExhaustedBudget | undefined> {
  const limits = policy.limits(tenantId);
  if (limits.ocr_pages === undefined && limits.llm_tokens === undefined) return undefined;
  const { start, end } = budgetPeriod(now, policy.period);
  const used = await usage(start);
  const metric = exhaustedMetric(limits, used);
  return metric ? { metric, used: used[metric], limit: limits[metric] ?? 0, resetsAt: end } : undefined;
}
