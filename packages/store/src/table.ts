import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError } from '@paperlane/core';
import { Table } from 'dynamodb-toolbox';

/** Base table key attributes. */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/**
 * Global secondary indexes. Names are generic on purpose (overloadable by later
 * entities); what each holds is documented in README.md.
 */
export const INDEXES = {
  /** By upload session: jobs (`JOB#…`) and documents (`DOC#…`) of one session. */
  bySession: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Jobs by document. */
  byDocument: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Jobs by queue and status, per tenant (e.g. failed jobs of a queue). */
  byStatus: { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  /**
   * The outbox sweeper's work list; sparse (live jobs, and finished ones with an
   * outbox marker) and the one partition
   * key without a tenant, because the sweeper works across tenants. It is read only
   * by the sweeper, never by tenant-facing code.
   */
  sweep: { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
} as const;

/** The attribute the toolbox tags items with (`Job`, `Document`, `UploadSession`). */
export const ENTITY_ATTRIBUTE = '_et';

/**
 * The dynamodb-toolbox table over an injected document client.
 *
 * @example
 * const table = createTable(createDocumentClient({ endpoint }), 'paperlane');
 */
export function createTable(documentClient: DynamoDBDocumentClient, tableName: string) {
  const gsi = <N extends string, S extends string>(partitionKey: N, sortKey: S) => ({
    type: 'global' as const,
    partitionKey: { name: partitionKey, type: 'string' as const },
    sortKey: { name: sortKey, type: 'string' as const },
  });
  return new Table({
    documentClient,
    name: tableName,
    partitionKey: { name: PARTITION_KEY, type: 'string' },
    sortKey: { name: SORT_KEY, type: 'string' },
    indexes: {
      [INDEXES.bySession.name]: gsi(INDEXES.bySession.partitionKey, INDEXES.bySession.sortKey),
      [INDEXES.byDocument.name]: gsi(INDEXES.byDocument.partitionKey, INDEXES.byDocument.sortKey),
      [INDEXES.byStatus.name]: gsi(INDEXES.byStatus.partitionKey, INDEXES.byStatus.sortKey),
      [INDEXES.sweep.name]: gsi(INDEXES.sweep.partitionKey, INDEXES.sweep.sortKey),
    },
    entityAttributeSavedAs: ENTITY_ATTRIBUTE,
  });
}

export type PaperlaneTable = ReturnType<typeof createTable>;

/**
 * The CreateTable input for the Paperlane table, shared by the local bootstrap and
 * the SST infra so every runtime gets the same keys and indexes.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(INDEXES);
  const attributeNames = [
    PARTITION_KEY,
    SORT_KEY,
    ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      // Lists map items straight to records, without a second read per item.
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

export interface EnsureTableOptions {
  /** Give up waiting for ACTIVE after this long (default 5 minutes). */
  timeoutMs?: number;
}

/**
 * Creates the table if it does not exist and waits until it and its indexes are
 * ACTIVE. Safe to run twice, or from two processes at once. Throws `ConfigError`
 * when an existing table lacks one of the indexes.
 */
export async function ensureTable(
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<TableDescription> {
  // A document client passes table-level commands through unchanged.
  const send = (client as DynamoDBClient).send.bind(client as DynamoDBClient);
  let table = await describe(send, tableName);
  if (!table) {
    try {
      await send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (error) {
      // Someone else created it between our describe and create.
      if (!isNamed(error, 'ResourceInUseException')) throw error;
    }
  }
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  let delayMs = 50;
  for (;;) {
    table = await describe(send, tableName);
    if (table && isActive(table)) break;
    if (Date.now() > deadline) throw new ConfigError(`table ${tableName} did not become ACTIVE in time`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 2_000);
  }
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = Object.values(INDEXES)
    .map((index) => index.name)
    .filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new ConfigError(`table ${tableName} lacks indexes ${missing.join(', ')}`, {
      code: 'table_mismatch',
    });
  }
  return table;
}

type Send = DynamoDBClient['send'];

async function describe(send: Send, tableName: string): Promise<TableDescription | undefined> {
  try {
    const { Table: table } = await send(new DescribeTableCommand({ TableName: tableName }));
    return table;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

function isActive(table: TableDescription): boolean {
  return (
    table.TableStatus === 'ACTIVE' &&
    (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')
  );
}

function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
