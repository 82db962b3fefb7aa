import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { idSchema, type QueueName, queueNameSchema } from '@paperlane/core';
import { byQueuePk, statusPrefix } from './keys';
import { INDEXES, type PaperlaneTable } from './table';
import { parseInput, toIso } from './validate';

/**
 * Every tenant that ever had a job: one small item each under one partition, written
 * once per tenant per process, so the operator's deployment-wide statistics can visit
 * each tenant's job index instead of scanning the table.
 */
export interface TenantDirectory {
  /** Idempotent; cheap after the first call for a tenant in this process. */
  remember(tenantId: string): Promise<void>;
}

const DIRECTORY_PK = 'TENANTS';

/** A finished job as the window statistics need it. */
export interface FinishedJob {
  status: 'complete' | 'failed';
  startedAt?: string;
  finishedAt?: string;
}

/** Reads one tenant's jobs of one queue by status and time, from the by-status index. */
export interface JobWindowReader {
  /** Jobs that reached `status` at or after `since`, at most `limit` (newest first); `truncated` when more. */
  finishedSince(input: {
    tenantId: string;
    queue: QueueName;
    status: 'complete' | 'failed';
    since: Date;
    limit: number;
  }): Promise<{ jobs: FinishedJob[]; truncated: boolean }>;
  /** When the longest-waiting pending job of a tenant's queue became pending, if any. */
  oldestPendingSince(input: { tenantId: string; queue: QueueName }): Promise<Date | undefined>;
}

/**
 * The DynamoDB tenant directory (its write side: every process that creates jobs has it).
 *
 * @example await createTenantDirectory(table).remember('acme');
 */
export function createTenantDirectory(table: PaperlaneTable): TenantDirectory {
  const client = table.getDocumentClient();
  const TableName = table.getName();
  const known = new Set<string>();
  return {
    async remember(tenantId) {
      const id = parseInput(idSchema, tenantId, 'tenantId');
      if (known.has(id)) return;
      await client.send(
        new PutCommand({ TableName, Item: { pk: DIRECTORY_PK, sk: `TENANT#${id}`, tenantId: id } }),
      );
      known.add(id);
    },
  };
}

/**
 * Tenant ids from the directory in id order, at most `limit`; `truncated` when there are more.
 *
 * @example const { tenantIds } = await listTenants(store.table, 1000);
 */
export async function listTenants(
  table: PaperlaneTable,
  limit: number,
): Promise<{ tenantIds: string[]; truncated: boolean }> {
  const client = table.getDocumentClient();
  const tenantIds: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table.getName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': DIRECTORY_PK },
        ProjectionExpression: 'tenantId',
        Limit: Math.min(1000, limit + 1 - tenantIds.length),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) tenantIds.push(String(item.tenantId));
    start = page.LastEvaluatedKey;
  } while (start && tenantIds.length <= limit);
  return { tenantIds: tenantIds.slice(0, limit), truncated: tenantIds.length > limit };
}

/**
 * The DynamoDB job window reader over the by-status index (`<tenant>Q#<queue>` /
 * `<status>#<updatedAt>#<jobId>`): a range of one partition per call, never a scan.
 *
 * @example await createJobWindowReader(table).finishedSince({ tenantId, queue, status: 'failed', since, limit: 500 });
 */
export function createJobWindowReader(table: PaperlaneTable): JobWindowReader {
  const client = table.getDocumentClient();
  const TableName = table.getName();
  const { name: IndexName, partitionKey, sortKey } = INDEXES.byStatus;
  const partition = (tenantId: string, queue: QueueName) =>
    byQueuePk(parseInput(idSchema, tenantId, 'tenantId'), parseInput(queueNameSchema, queue, 'queue'));
  const onIndex = { TableName, IndexName, ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey } };
  return {
    async finishedSince({ tenantId, queue, status, since, limit }) {
      const pk = partition(tenantId, queue);
      const sinceIso = toIso(since, 'since');
      const jobs: FinishedJob[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            ...onIndex,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': pk,
              ':from': `${statusPrefix(status)}${sinceIso}`,
              // Past every ISO instant and job id that can follow the prefix.
              ':to': `${statusPrefix(status)}\uffff`,
            },
            ProjectionExpression: 'startedAt, finishedAt',
            ScanIndexForward: false,
            Limit: Math.min(1000, limit + 1 - jobs.length),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          // The index orders by the last update; a finished job touched later still counts by when it finished.
          const finishedAt = typeof item.finishedAt === 'string' ? item.finishedAt : undefined;
          if (finishedAt !== undefined && finishedAt < sinceIso) continue;
          jobs.push({
            status,
            ...(typeof item.startedAt === 'string' ? { startedAt: item.startedAt } : {}),
            ...(finishedAt !== undefined ? { finishedAt } : {}),
          });
        }
        start = page.LastEvaluatedKey;
      } while (start && jobs.length <= limit);
      return { jobs: jobs.slice(0, limit), truncated: jobs.length > limit };
    },
    async oldestPendingSince({ tenantId, queue }) {
      const pk = partition(tenantId, queue);
      const page = await client.send(
        new QueryCommand({
          ...onIndex,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :status)',
          ExpressionAttributeValues: { ':pk': pk, ':status': statusPrefix('pending') },
          ProjectionExpression: 'updatedAt',
          Limit: 1,
        }),
      );
      const updatedAt = page.Items?.[0]?.updatedAt;
      return typeof updatedAt === 'string' ? new Date(updatedAt) : undefined;
    },
  };
}
