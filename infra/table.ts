import { sstNames } from '@paperlane/core';
import { tableDefinition, WS_TTL_ATTRIBUTE } from '@paperlane/store';

const FIELD_TYPES = { S: 'string', N: 'number', B: 'binary' } as const;

function projection(p: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined) {
  if (p?.ProjectionType === 'KEYS_ONLY') return 'keys-only' as const;
  if (p?.ProjectionType === 'INCLUDE') return p.NonKeyAttributes ?? [];
  return 'all' as const;
}

/**
 * `sst.aws.Dynamo` args derived from the store's `tableDefinition`, so the table SST
 * creates has exactly the keys and indexes the local bootstrap creates.
 */
export function tableArgs(): Pick<Sst.DynamoArgs, 'fields' | 'primaryIndex' | 'globalIndexes'> {
  const definition = tableDefinition('derived');
  const key = (schema: { AttributeName?: string; KeyType?: string }[] | undefined, type: 'HASH' | 'RANGE') =>
    schema?.find((k) => k.KeyType === type)?.AttributeName;
  const hashKey = (schema: Parameters<typeof key>[0], what: string) => {
    const name = key(schema, 'HASH');
    if (!name) throw new Error(`tableDefinition: ${what} has no HASH key`);
    return name;
  };
  const withRange = (schema: Parameters<typeof key>[0], what: string) => {
    const rangeKey = key(schema, 'RANGE');
    return { hashKey: hashKey(schema, what), ...(rangeKey ? { rangeKey } : {}) };
  };
  return {
    fields: Object.fromEntries(
      (definition.AttributeDefinitions ?? []).map((a) => [
        a.AttributeName as string,
        FIELD_TYPES[a.AttributeType as keyof typeof FIELD_TYPES],
      ]),
    ),
    primaryIndex: withRange(definition.KeySchema, 'the table'),
    globalIndexes: Object.fromEntries(
      (definition.GlobalSecondaryIndexes ?? []).map((index) => [
        index.IndexName as string,
        {
          ...withRange(index.KeySchema, `index ${index.IndexName}`),
          projection: projection(index.Projection),
        },
      ]),
    ),
  };
}

/**
 * The attribute DynamoDB's TTL reads (epoch seconds): WebSocket connections carry
 * it, so one API Gateway dropped without a $disconnect is deleted by DynamoDB.
 */
export const TABLE_TTL_ATTRIBUTE = WS_TTL_ATTRIBUTE;

/** The single table: job records, documents, sessions, invoices, mailboxes, webhooks, WebSocket connections. */
export function jobsTable(options: { production: boolean }) {
  return new sst.aws.Dynamo(sstNames.table, {
    ...tableArgs(),
    ttl: TABLE_TTL_ATTRIBUTE,
    // SST enables point-in-time recovery on every table, in every stage; nothing to ask for.
    deletionProtection: options.production,
  });
}
