import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import {
  describeError,
  type EventBus,
  type JobEventListener,
  type Logger,
  type RealtimeEvent,
  silentLogger,
} from '@paperlane/core';
import { awsClientConfig } from '../aws/client-config';

/** Where the push finds who to tell; on AWS, the connections table (`@paperlane/store`). */
export interface ConnectionDirectory {
  /** Connections subscribed to the event's tenant and session or job. */
  subscribersOf(event: RealtimeEvent): Promise<string[]>;
  /** Forgets a connection that API Gateway reports gone. */
  remove(connectionId: string): Promise<void>;
}

/**
 * A management API client for a WebSocket API stage
 * (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`, or a local fake).
 */
export function createManagementClient(endpoint: string, region?: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient(awsClientConfig({ endpoint, ...(region ? { region } : {}) }));
}

export type PostOutcome = 'sent' | 'gone';

/**
 * Posts one message to a WebSocket client through the API Gateway Management API.
 * `gone` for a connection that no longer exists (410); other errors throw.
 */
export async function postToConnection(
  client: ApiGatewayManagementApiClient,
  connectionId: string,
  message: unknown,
): Promise<PostOutcome> {
  try {
    await client.send(
      new PostToConnectionCommand({
        ConnectionId: connectionId,
        Data: new TextEncoder().encode(JSON.stringify(message)),
      }),
    );
    return 'sent';
  } catch (error) {
    if (error instanceof Error && error.name === 'GoneException') return 'gone';
    throw error;
  }
}

export interface ApiGatewayPushOptions {
  client: ApiGatewayManagementApiClient;
  connections: ConnectionDirectory;
  /** The client view of an event (the API's presenter); the push does not shape messages itself. */
  present: (event: RealtimeEvent) => unknown;
  logger?: Logger;
  /** Posts in flight at once per event (default 16). */
  concurrency?: number;
}

/**
 * The event bus of Lambda functions that emit job events (consumers, the sweeper):
 * `publish` pushes the event to every WebSocket connection subscribed to its tenant's
 * session or job, and prunes connections API Gateway reports gone (410). Like every
 * bus it never fails the publisher: errors are logged and dropped. In-process
 * listeners are served too, so code that awaits events inside one invocation works.
 *
 * @example
 * const events = createApiGatewayPush({ client, connections, present: presentJobEvent, logger });
 */
export function createApiGatewayPush(
  options: ApiGatewayPushOptions,
): EventBus & { push(event: RealtimeEvent): Promise<{ sent: number; pruned: number }> } {
  const logger = options.logger ?? silentLogger;
  const concurrency = options.concurrency ?? 16;
  const listeners = new Set<JobEventListener>();

  async function push(event: RealtimeEvent): Promise<{ sent: number; pruned: number }> {
    const ids = await options.connections.subscribersOf(event);
    const message = options.present(event);
    let sent = 0;
    let pruned = 0;
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        try {
          if ((await postToConnection(options.client, id, message)) === 'sent') sent += 1;
          else {
            pruned += 1;
            await options.connections.remove(id);
          }
        } catch (error) {
          logger.warn('realtime push failed', { type: event.type, error: describeError(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
    return { sent, pruned };
  }

  return {
    push,
    async publish(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          logger.warn('event listener threw', { type: event.type, error: describeError(error) });
        }
      }
      try {
        await push(event);
      } catch (error) {
        logger.warn('realtime push failed', { type: event.type, error: describeError(error) });
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
