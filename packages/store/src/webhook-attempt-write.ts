import { type AttributeValue, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '@paperlane/core';
import { conditional } from './conditional';
import { lazyCommandClient, N, S, savedNames } from './low-level-write';
import type { WebhookDeliveryEntity } from './webhook-entities';
import { webhookDeliveryKey } from './webhook-keys';

/** An attribute of the WebhookDelivery entity's schema: every name below is checked against it. */
type DeliveryAttribute = keyof WebhookDeliveryEntity['schema']['attributes'];

/** One attempt's outcome, already validated; `null` removes the field, `undefined` leaves it. */
export interface AttemptWrite {
  tenantId: string;
  deliveryId: string;
  status: string;
  attempts: number;
  /** ISO time of the attempt: `lastAttemptAt` and `updatedAt`. */
  at: string;
  lastStatusCode?: number | null;
  durationMs?: number | null;
  error?: string | null;
  responseExcerpt?: string | null;
  /** ISO */
  nextAttemptAt?: string | null;
  /** Refuse unless the delivery is still this subscription's pending delivery at this count. */
  expect?: { webhookId: string; attempts: number };
}

/** The attempt's optional fields, in the order their clauses are appended. */
const OPTIONAL = [
  'lastStatusCode',
  'durationMs',
  'error',
  'responseExcerpt',
  'nextAttemptAt',
] as const satisfies readonly DeliveryAttribute[];

/**
 * `recordAttempt`'s UpdateItem as a low-level command: each delivery makes exactly this
 * write, and the toolbox's per-call builder (item parse, expression build, marshalling
 * through the document client) cost several times the SDK's own request work. The
 * conditions and fixed clauses are built once per store; a call appends a clause per
 * optional field it sets or clears. The entity stays the source of truth: names are typed
 * against its schema, and `webhook-attempt-write.test.ts` compares each item written here
 * with the one the toolbox's builder writes. Since both conditions imply the item exists,
 * its keys and entity tag are not rewritten.
 *
 * @example
 * const recordAttempt = createWebhookAttemptWrite(createWebhookDeliveryEntity(table));
 * const recorded = await recordAttempt({ tenantId, deliveryId, status: 'succeeded', attempts: 1, at });
 */
export function createWebhookAttemptWrite(Delivery: WebhookDeliveryEntity) {
  const TableName = Delivery.table.getName();
  const client = lazyCommandClient(Delivery.table);
  const savedAs: (name: DeliveryAttribute) => string = savedNames(Delivery.schema.attributes);

  const partitionKey = Delivery.table.partitionKey.name;
  const sortKey = Delivery.table.sortKey?.name;
  if (!sortKey) throw new ConfigError('the webhook delivery table needs a sort key');

  const baseNames = {
    '#status': savedAs('status'),
    '#attempts': savedAs('attempts'),
    '#lastAttemptAt': savedAs('lastAttemptAt'),
    '#updatedAt': savedAs('updatedAt'),
  };
  const baseSet = 'SET #status = :status, #attempts = :attempts, #lastAttemptAt = :at, #updatedAt = :at';
  const fenced = {
    ConditionExpression: '#status = :pending AND #webhookId = :webhookId AND #attempts = :expected',
    names: { '#webhookId': savedAs('webhookId') },
  };
  const unfenced = {
    ConditionExpression: 'attribute_exists(#deliveryId)',
    names: { '#deliveryId': savedAs('deliveryId') },
  };
  const optional = OPTIONAL.map((name) => ({ name, placeholder: `#${name}`, saved: savedAs(name) }));
  const pending = S('pending');

  return async function recordAttempt(input: AttemptWrite): Promise<boolean> {
    const { pk, sk } = webhookDeliveryKey(input.tenantId, input.deliveryId);
    const condition = input.expect ? fenced : unfenced;
    const names: Record<string, string> = { ...baseNames, ...condition.names };
    const values: Record<string, AttributeValue> = {
      ':status': S(input.status),
      ':attempts': N(input.attempts),
      ':at': S(input.at),
    };
    if (input.expect) {
      values[':pending'] = pending;
      values[':webhookId'] = S(input.expect.webhookId);
      values[':expected'] = N(input.expect.attempts);
    }
    let set = baseSet;
    let remove = '';
    for (const { name, placeholder, saved } of optional) {
      const value = input[name];
      if (value === undefined) continue;
      names[placeholder] = saved;
      if (value === null) {
        remove += remove ? `, ${placeholder}` : ` REMOVE ${placeholder}`;
      } else {
        set += `, ${placeholder} = :${name}`;
        values[`:${name}`] = typeof value === 'number' ? N(value) : S(value);
      }
    }
    const outcome = await conditional(Delivery, () =>
      client().send(
        new UpdateItemCommand({
          TableName,
          Key: { [partitionKey]: S(pk), [sortKey]: S(sk) },
          UpdateExpression: set + remove,
          ConditionExpression: condition.ConditionExpression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
    return outcome.ok;
  };
}
