import {
  type ConnectionDirectory,
  createApiGatewayPush,
  createManagementClient,
} from '@paperlane/adapters/events/apigw-push';
import { presentEvent } from '@paperlane/api/realtime/protocol';
import { type Clock, type EventBus, type Logger, type RealtimeEvent, systemClock } from '@paperlane/core';
import type { WsConnectionStore } from '@paperlane/store/ws-connection-store';

/**
 * The connections table as the push's directory: the union of the connections
 * following the event's session and its job, always within the event's tenant.
 * (On AWS there is no resume and no per-connection memory: a `session:completed`
 * published twice by a re-run reaches a connection twice.)
 */
export function storeConnectionDirectory(
  connections: WsConnectionStore,
  clock: Clock = systemClock,
): ConnectionDirectory {
  return {
    async subscribersOf(event: RealtimeEvent) {
      const now = clock.now();
      const lists = await Promise.all([
        // A session's completion concerns its followers only, not those of one job.
        'jobId' in event
          ? connections.subscribers({
              tenantId: event.tenantId,
              target: { kind: 'job', id: event.jobId },
              now,
            })
          : Promise.resolve([]),
        event.sessionId
          ? connections.subscribers({
              tenantId: event.tenantId,
              target: { kind: 'session', id: event.sessionId },
              now,
            })
          : Promise.resolve([]),
      ]);
      return [...new Set(lists.flat())];
    },
    async remove(connectionId) {
      await connections.disconnect(connectionId);
    },
  };
}

/**
 * The event bus for Lambda functions that emit job events on AWS: publish pushes to
 * subscribed WebSocket clients. `endpoint` is the WebSocket API's management endpoint
 * (`REALTIME_MANAGEMENT_ENDPOINT`, linked by SST).
 *
 * @example const events = createRealtimePush({ endpoint, store, logger });
 */
export function createRealtimePush(options: {
  endpoint: string;
  region?: string;
  store: { wsConnections: WsConnectionStore };
  logger: Logger;
  clock?: Clock;
}): EventBus {
  return createApiGatewayPush({
    client: createManagementClient(options.endpoint, options.region),
    connections: storeConnectionDirectory(options.store.wsConnections, options.clock),
    present: presentEvent,
    logger: options.logger,
  });
}
