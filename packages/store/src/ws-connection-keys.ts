import { tenantPrefix } from './keys';

/**
 * Keys of API Gateway WebSocket connections. A connection's partition has no tenant:
 * `$disconnect` and a 410 from PostToConnection know only the connection id. The
 * tenant is recorded on the item and is part of every subscription index key, so
 * lookups by session or job are tenant-scoped.
 */
export function wsConnectionPk(connectionId: string): string {
  return `WSCONN#${connectionId}`;
}

export const WS_CONNECTION_SK = 'CONN';
export const WS_SUBSCRIPTION_PREFIX = 'SUB#';

export function wsSubscriptionSk(kind: 'session' | 'job', targetId: string): string {
  return `${WS_SUBSCRIPTION_PREFIX}${kind}#${targetId}`;
}

/** gsi1 (overloaded): the connections following one session or job of a tenant. */
export function wsSubscribersPk(tenantId: string, kind: 'session' | 'job', targetId: string): string {
  return `${tenantPrefix(tenantId)}WSSUB#${kind}#${targetId}`;
}

export function wsSubscriberSk(connectionId: string): string {
  return `WSCONN#${connectionId}`;
}
