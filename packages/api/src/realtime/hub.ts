import { describeError, type EventBus, type Logger, type RealtimeEvent, silentLogger } from '@paperlane/core';
import type { RealtimeConnection, RealtimeRegistry } from './connection';

export interface RealtimeHub extends RealtimeRegistry {
  /** Authenticated connections held now. */
  size(): number;
  /** Whether the hub listens on the bus now (only while it holds connections). */
  listening(): boolean;
  /** Forgets every connection and leaves the bus. */
  close(): void;
}

/**
 * One process's fan-out: a single bus subscription serves every realtime connection
 * of the process (WebSocket and SSE alike), indexed by tenant so an event is only
 * offered to its own tenant's connections. With the Redis bus, every API process
 * runs one hub and events published anywhere reach clients connected anywhere.
 * The hub subscribes to the bus while it holds connections and leaves it after.
 *
 * @example
 * const hub = createRealtimeHub({ events });
 * const connection = createRealtimeConnection({ transport, verifyToken, canAccess, registry: hub });
 */
export function createRealtimeHub(options: { events: EventBus; logger?: Logger }): RealtimeHub {
  const logger = options.logger ?? silentLogger;
  const byTenant = new Map<string, Set<RealtimeConnection>>();
  let count = 0;
  let leave: (() => void) | undefined;

  const route = (event: RealtimeEvent) => {
    const connections = byTenant.get(event.tenantId);
    if (!connections) return;
    for (const connection of [...connections]) {
      try {
        connection.deliver(event);
      } catch (error) {
        logger.warn('realtime delivery failed', { error: describeError(error) });
      }
    }
  };

  return {
    register(connection) {
      const tenantId = connection.principal?.tenantId;
      if (!tenantId) throw new Error('only authenticated connections register');
      const set = byTenant.get(tenantId) ?? new Set<RealtimeConnection>();
      byTenant.set(tenantId, set);
      if (!set.has(connection)) count += 1;
      set.add(connection);
      leave ??= options.events.subscribe(route);
      let registered = true;
      return () => {
        if (!registered) return;
        registered = false;
        const current = byTenant.get(tenantId);
        if (current?.delete(connection)) count -= 1;
        if (current?.size === 0) byTenant.delete(tenantId);
        if (count === 0) {
          leave?.();
          leave = undefined;
        }
      };
    },
    size: () => count,
    listening: () => leave !== undefined,
    close() {
      byTenant.clear();
      count = 0;
      leave?.();
      leave = undefined;
    },
  };
}
