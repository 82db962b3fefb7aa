import { ConfigError, idSchema, type TenantBudgetPolicy } from '@paperlane/core';
import { z } from 'zod';

const amount = z.number().int().min(0).max(1e12);

/** `TENANT_BUDGETS`: per-tenant overrides as JSON, e.g. `{"tenant-big":{"ocr_pages":100000}}`. */
export const tenantBudgetsSchema = z
  .record(idSchema, z.strictObject({ ocr_pages: amount.optional(), llm_tokens: amount.optional() }))
  .refine((budgets) => Object.keys(budgets).length <= 1_000, 'at most 1,000 tenants');

/**
 * The budget policy from the environment, or `undefined` when no budget is set at all
 * (nothing is read or charged then).
 *
 * @example tenantBudgetPolicy({ TENANT_BUDGET_PERIOD: 'month', TENANT_BUDGET_OCR_PAGES: 5000 })?.limits('t1') // { ocr_pages: 5000 }
 * @throws ConfigError for a malformed `TENANT_BUDGETS` (never repeating its value).
 */
export function tenantBudgetPolicy(env: {
  TENANT_BUDGET_PERIOD: 'day' | 'month';
  TENANT_BUDGET_OCR_PAGES?: number;
  TENANT_BUDGET_LLM_TOKENS?: number;
  TENANT_BUDGETS?: string;
}): TenantBudgetPolicy | undefined {
  const tenants = parseTenantBudgets(env.TENANT_BUDGETS);
  const defaults = {
    ...(env.TENANT_BUDGET_OCR_PAGES !== undefined ? { ocr_pages: env.TENANT_BUDGET_OCR_PAGES } : {}),
    ...(env.TENANT_BUDGET_LLM_TOKENS !== undefined ? { llm_tokens: env.TENANT_BUDGET_LLM_TOKENS } : {}),
  };
  if (Object.keys(defaults).length === 0 && Object.keys(tenants).length === 0) return undefined;
  return { period: env.TENANT_BUDGET_PERIOD, limits: (tenantId) => ({ ...defaults, ...tenants[tenantId] }) };
}

function parseTenantBudgets(text: string | undefined): z.infer<typeof tenantBudgetsSchema> {
  if (text === undefined || text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError('invalid configuration: TENANT_BUDGETS is not JSON');
  }
  const parsed = tenantBudgetsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: TENANT_BUDGETS ${problems.join('; ')}`);
  }
  return parsed.data;
}
