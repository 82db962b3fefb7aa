import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { idSchema, RetryableError } from '@paperlane/core';
import { isConditionFailed } from './conditional';
import type { PaperlaneTable } from './table';
import { INDEXES } from './table';
import { parseInput, toIso } from './validate';
import {
  connectionIdSchema,
  type NewWsConnection,
  newWsConnectionSchema,
  WS_TTL_ATTRIBUTE,
  type WsConnectionRecord,
  type WsTarget,
  wsConnectionRecordSchema,
  wsTargetSchema,
} from './ws-connection';
import {
  WS_CONNECTION_SK,
  wsConnectionPk,
  wsSubscriberSk,
  wsSubscribersPk,
  wsSubscriptionSk,
} from './ws-connection-keys';

/** Subscribers read for one event at most; a target followed by more connections is truncated. */
export const MAX_WS_SUBSCRIBERS = 5000;

export type WsSubscribeOutcome = 'subscribed' | 'already_subscribed' | 'too_many_subscriptions' | 'gone';

/** API Gateway WebSocket connections and their subscriptions (the realtime state on AWS). */
export interface WsConnectionStore {
  /** Records a connection of a tenant ($connect). */
  connect(input: NewWsConnection): Promise<WsConnectionRecord>;
  get(connectionId: string): Promise<WsConnectionRecord | undefined>;
  /** Adds a subscription; the connection's count is capped with a conditional write. */
  subscribe(input: {
    connectionId: string;
    tenantId: string;
    target: WsTarget;
    maxSubscriptions: number;
  }): Promise<WsSubscribeOutcome>;
  /** `true` when a subscription was removed. */
  unsubscribe(input: { connectionId: string; target: WsTarget }): Promise<boolean>;
  /** Connection ids following a tenant's session or job, skipping items past their TTL. */
  subscribers(input: { tenantId: string; target: WsTarget; now: Date }): Promise<string[]>;
  /** Deletes a connection and its subscriptions ($disconnect, or 410 Gone); returns items deleted. */
  disconnect(connectionId: string): Promise<number>;
}

type Item = Record<string, unknown>;

/**
 * The DynamoDB `WsConnectionStore`. A connection is one partition: the connection
 * item and one item per subscription, so `$disconnect` deletes the partition. Each
 * subscription is also in gsi1 under `T#<tenant>#WSSUB#<kind>#<id>`, which the push
 * fan-out queries per event. Items carry a TTL attribute so connections whose
 * `$disconnect` never ran disappear on their own (and are skipped until they do).
 *
 * @example
 * const connections = createWsConnectionStore(table);
 * await connections.connect({ connectionId, tenantId, userId, now: new Date(), ttlSeconds: 7200 });
 */
export function createWsConnectionStore(table: PaperlaneTable): WsConnectionStore {
  const client = table.getDocumentClient();
  const TableName = table.getName();
  const connectionKey = (id: string) => ({ pk: wsConnectionPk(id), sk: WS_CONNECTION_SK });
  const connectionIdOf = (value: unknown) => parseInput(connectionIdSchema, value, 'connection id');

  async function get(connectionId: string): Promise<WsConnectionRecord | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName, Key: connectionKey(connectionIdOf(connectionId)), ConsistentRead: true }),
    );
    const parsed = wsConnectionRecordSchema.safeParse(Item);
    return parsed.success ? parsed.data : undefined;
  }

  return {
    async connect(input) {
      const { connectionId, tenantId, userId, now, ttlSeconds } = parseInput(
        newWsConnectionSchema,
        input,
        'connection',
      );
      const record: WsConnectionRecord = {
        connectionId,
        tenantId,
        userId,
        subscriptionCount: 0,
        connectedAt: toIso(now, 'now'),
        ttl: Math.floor(now.getTime() / 1000) + ttlSeconds,
      };
      await client.send(new PutCommand({ TableName, Item: { ...connectionKey(connectionId), ...record } }));
      return record;
    },

    get,

    async subscribe({ connectionId, tenantId, target, maxSubscriptions }) {
      const id = connectionIdOf(connectionId);
      const tenant = parseInput(idSchema, tenantId, 'tenantId');
      const { kind, id: targetId } = parseInput(wsTargetSchema, target, 'subscription target');
      let ttl: number;
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName,
            Key: connectionKey(id),
            UpdateExpression: 'SET subscriptionCount = subscriptionCount + :one',
            ConditionExpression: 'attribute_exists(pk) AND tenantId = :tenant AND subscriptionCount < :max',
            ExpressionAttributeValues: { ':one': 1, ':tenant': tenant, ':max': maxSubscriptions },
            ReturnValues: 'ALL_NEW',
          }),
        );
        ttl = Number(Attributes?.[WS_TTL_ATTRIBUTE]);
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        const current = await get(id);
        return current && current.tenantId === tenant ? 'too_many_subscriptions' : 'gone';
      }
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: {
              pk: wsConnectionPk(id),
              sk: wsSubscriptionSk(kind, targetId),
              [INDEXES.bySession.partitionKey]: wsSubscribersPk(tenant, kind, targetId),
              [INDEXES.bySession.sortKey]: wsSubscriberSk(id),
              connectionId: id,
              tenantId: tenant,
              kind,
              targetId,
              [WS_TTL_ATTRIBUTE]: ttl,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return 'subscribed';
      } catch (error) {
        // Already held: give the slot back.
        await release(id);
        if (isConditionFailed(error)) return 'already_subscribed';
        throw error;
      }
    },

    async unsubscribe({ connectionId, target }) {
      const id = connectionIdOf(connectionId);
      const { kind, id: targetId } = parseInput(wsTargetSchema, target, 'subscription target');
      const { Attributes } = await client.send(
        new DeleteCommand({
          TableName,
          Key: { pk: wsConnectionPk(id), sk: wsSubscriptionSk(kind, targetId) },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (!Attributes) return false;
      await release(id);
      return true;
    },

    async subscribers({ tenantId, target, now }) {
      const tenant = parseInput(idSchema, tenantId, 'tenantId');
      const { kind, id: targetId } = parseInput(wsTargetSchema, target, 'subscription target');
      const ids: string[] = [];
      let start: Item | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName,
            IndexName: INDEXES.bySession.name,
            KeyConditionExpression: '#pk = :pk',
            FilterExpression: '#ttl > :now AND tenantId = :tenant',
            ExpressionAttributeNames: { '#pk': INDEXES.bySession.partitionKey, '#ttl': WS_TTL_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':pk': wsSubscribersPk(tenant, kind, targetId),
              ':now': Math.floor(now.getTime() / 1000),
              ':tenant': tenant,
            },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          const id = connectionIdSchema.safeParse(item.connectionId);
          if (id.success) ids.push(id.data);
        }
        start = page.LastEvaluatedKey;
      } while (start && ids.length < MAX_WS_SUBSCRIBERS);
      return ids.slice(0, MAX_WS_SUBSCRIBERS);
    },

    async disconnect(connectionId) {
      const id = connectionIdOf(connectionId);
      let deleted = 0;
      let start: Item | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': wsConnectionPk(id) },
            ProjectionExpression: 'pk, sk',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        const keys = (page.Items ?? []).map((item) => ({ pk: item.pk, sk: item.sk }));
        for (let i = 0; i < keys.length; i += 25) await deleteKeys(keys.slice(i, i + 25));
        deleted += keys.length;
        start = page.LastEvaluatedKey;
      } while (start);
      return deleted;
    },
  };

  async function release(connectionId: string): Promise<void> {
    try {
      await client.send(
        new UpdateCommand({
          TableName,
          Key: connectionKey(connectionId),
          UpdateExpression: 'SET subscriptionCount = subscriptionCount - :one',
          ConditionExpression: 'attribute_exists(pk) AND subscriptionCount > :zero',
          ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
        }),
      );
    } catch (error) {
      // The connection went away meanwhile: nothing to give back.
      if (!isConditionFailed(error)) throw error;
    }
  }

  async function deleteKeys(keys: Item[]): Promise<void> {
    let pending = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let round = 0; round < 5 && pending.length > 0; round++) {
      const { UnprocessedItems } = await client.send(
        new BatchWriteCommand({ RequestItems: { [TableName]: pending } }),
      );
      pending = (UnprocessedItems?.[TableName] ?? []).flatMap((request) =>
        request.DeleteRequest?.Key ? [{ DeleteRequest: { Key: request.DeleteRequest.Key } }] : [],
      );
    }
    if (pending.length > 0) {
      throw new RetryableError(`${pending.length} connection items were left undeleted`, {
        code: 'throttled',
      });
    }
  }
}
