import { tenantPrefix } from './keys';

export function webhookKey(tenantId: string, webhookId: string): { pk: string; sk: string } {
  return { pk: `${tenantPrefix(tenantId)}WH#${webhookId}`, sk: 'WH' };
}

/** gsi3 (overloaded): a tenant's subscriptions, by id. */
export function webhooksPk(tenantId: string): string {
  return `${tenantPrefix(tenantId)}WH`;
}

export const WEBHOOK_LIST_PREFIX = 'WH#';

export function webhookListSk(webhookId: string): string {
  return `${WEBHOOK_LIST_PREFIX}${webhookId}`;
}

export function webhookDeliveryKey(tenantId: string, deliveryId: string): { pk: string; sk: string } {
  return { pk: `${tenantPrefix(tenantId)}WHD#${deliveryId}`, sk: 'WHD' };
}

/** gsi1 (overloaded): one subscription's deliveries. */
export function deliveriesPk(tenantId: string, webhookId: string): string {
  return `${tenantPrefix(tenantId)}WH#${webhookId}`;
}

export const DELIVERY_LIST_PREFIX = 'DLV#';

/** Past the year 2286 in ms: every real instant fits in 13 digits below it. */
const TIME_CEILING = 9_999_999_999_999;

/**
 * Newest first under an ascending query: the sort key holds the time counted down
 * from a ceiling, zero-padded so strings sort like numbers.
 */
export function deliveryListSk(createdAtMs: number, deliveryId: string): string {
  const countdown = String(TIME_CEILING - createdAtMs).padStart(13, '0');
  return `${DELIVERY_LIST_PREFIX}${countdown}#${deliveryId}`;
}
