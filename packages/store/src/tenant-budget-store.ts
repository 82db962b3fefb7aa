import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BudgetUsage } from '@paperlane/core';
import { z } from 'zod';
import { isConditionFailed } from './conditional';
import { tenantPrefix } from './keys';
import type { PaperlaneTable } from './table';
import { parseId, parseInput } from './validate';
import { WS_TTL_ATTRIBUTE } from './ws-connection';

/** A tenant's spending per budget period: one counter item, one marker per charged job. */
export interface TenantBudgetStore {
  /** What the tenant spent in the period starting at `periodStart`. */
  usage(input: { tenantId: string; periodStart: Date }): Promise<BudgetUsage>;
  /**
   * Adds a job's spending to its period, once per job: `false` when the job was charged
   * before (a second run of the same job). A crash between the marker and the counter
   * loses that job's charge (at most once: a tenant is never charged twice).
   */
  charge(input: {
    tenantId: string;
    jobId: string;
    periodStart: Date;
    /** When the period's items may be deleted (TTL). */
    expiresAt: Date;
    spent: BudgetUsage;
  }): Promise<boolean>;
}

const amount = z.number().int().min(0).max(1e12);
const spentSchema = z.strictObject({ ocr_pages: amount, llm_tokens: amount });

function budgetPk(tenantId: string, periodStart: Date): string {
  return `${tenantPrefix(parseId(tenantId, 'tenantId'))}BUDGET#${periodStart.toISOString()}`;
}

/**
 * The DynamoDB `TenantBudgetStore`.
 *
 * @example
 * const budgets = createTenantBudgetStore(table);
 * await budgets.charge({ tenantId, jobId, periodStart, expiresAt, spent: { ocr_pages: 3, llm_tokens: 980 } });
 */
export function createTenantBudgetStore(table: PaperlaneTable): TenantBudgetStore {
  const client = table.getDocumentClient();
  const TableName = table.getName();
  return {
    async usage({ tenantId, periodStart }) {
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: { pk: budgetPk(tenantId, periodStart), sk: 'USAGE' } }),
      );
      return { ocr_pages: Number(Item?.ocr_pages ?? 0), llm_tokens: Number(Item?.llm_tokens ?? 0) };
    },
    async charge(input) {
      const spent = parseInput(spentSchema, input.spent, 'budget charge');
      const pk = budgetPk(input.tenantId, input.periodStart);
      const ttl = Math.ceil(input.expiresAt.getTime() / 1000);
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: { pk, sk: `C#${parseId(input.jobId, 'jobId')}`, ...spent, [WS_TTL_ATTRIBUTE]: ttl },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
      await client.send(
        new UpdateCommand({
          TableName,
          Key: { pk, sk: 'USAGE' },
          UpdateExpression: 'ADD ocr_pages :pages, llm_tokens :tokens SET #ttl = :ttl',
          ExpressionAttributeNames: { '#ttl': WS_TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':pages': spent.ocr_pages, ':tokens': spent.llm_tokens, ':ttl': ttl },
        }),
      );
      return true;
    },
  };
}
