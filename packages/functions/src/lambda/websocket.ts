/**
 * The API Gateway WebSocket API: `$connect` authenticates the `?token=` and records
 * the connection with its tenant, `$disconnect` deletes it, `$default` handles the
 * realtime protocol's messages (subscribe, unsubscribe, ping) and answers through
 * PostToConnection. Events reach clients from the emitting functions
 * (`createRealtimePush`), not from here. Configured from the environment and SST's links.
 */
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { createManagementClient, postToConnection } from '@paperlane/adapters/events/apigw-push';
import { createJsonLogger } from '@paperlane/adapters/logging/json-logger';
import { createTokenVerifier, type TokenVerifier } from '@paperlane/api/auth/tokens';
import { storeTargetAccess, type TargetAccess } from '@paperlane/api/realtime/access';
import {
  DEFAULT_REALTIME_LIMITS,
  parseClientMessage,
  type ServerReply,
  type SnapshotMessage,
  targetFieldsOf,
  targetOf,
} from '@paperlane/api/realtime/protocol';
import { type Clock, describeError, type Logger, systemClock } from '@paperlane/core';
import { createDocumentClient } from '@paperlane/store/document-client';
import { createStore } from '@paperlane/store/store';
import type { WsConnectionStore } from '@paperlane/store/ws-connection-store';
import { z } from 'zod';
import { linkedEnvironment } from './linked-resources';

/** The parts of an API Gateway WebSocket proxy event this handler reads. */
export const webSocketEventSchema = z.object({
  requestContext: z.object({
    routeKey: z.string(),
    connectionId: z.string().min(1).max(128),
    domainName: z.string().optional(),
    stage: z.string().optional(),
  }),
  queryStringParameters: z.record(z.string(), z.string().optional()).nullish(),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
});

export interface WebSocketResult {
  statusCode: number;
  body?: string;
}

export interface WebSocketDeps {
  connections: WsConnectionStore;
  canAccess: TargetAccess;
  verifyToken: TokenVerifier;
  /** The management client for replies; by default built from the event's domain and stage. */
  management?: ApiGatewayManagementApiClient;
  maxSubscriptions?: number;
  maxMessageBytes?: number;
  /** How long a connection item lives without `$disconnect` (API Gateway's limit is 2 h). */
  connectionTtlSeconds?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * The handler over injected parts (tests, other wiring); `handler` below builds them
 * from the environment.
 *
 * @example const handle = createWebSocketHandler({ connections: store.wsConnections, canAccess, verifyToken });
 */
export function createWebSocketHandler(deps: WebSocketDeps) {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createJsonLogger({ base: { service: 'paperlane', fn: 'websocket' } });
  const maxSubscriptions = deps.maxSubscriptions ?? DEFAULT_REALTIME_LIMITS.maxSubscriptions;
  const maxMessageBytes = deps.maxMessageBytes ?? DEFAULT_REALTIME_LIMITS.maxMessageBytes;
  const ttlSeconds = deps.connectionTtlSeconds ?? 3 * 3600;
  const clients = new Map<string, ApiGatewayManagementApiClient>();
  const managementFor = (domainName?: string, stage?: string) => {
    if (deps.management) return deps.management;
    const endpoint = `https://${domainName ?? ''}/${stage ?? ''}`;
    const client = clients.get(endpoint) ?? createManagementClient(endpoint);
    clients.set(endpoint, client);
    return client;
  };

  return async (raw: unknown): Promise<WebSocketResult> => {
    const parsed = webSocketEventSchema.safeParse(raw);
    if (!parsed.success) return { statusCode: 400 };
    const { requestContext, queryStringParameters, body, isBase64Encoded } = parsed.data;
    const { routeKey, connectionId } = requestContext;

    if (routeKey === '$connect') {
      const token = queryStringParameters?.token;
      if (!token) return { statusCode: 401 };
      let principal: Awaited<ReturnType<TokenVerifier>>;
      try {
        principal = await deps.verifyToken(token);
      } catch {
        // The token is never logged.
        logger.info('websocket connect refused');
        return { statusCode: 401 };
      }
      await deps.connections.connect({
        connectionId,
        tenantId: principal.tenantId,
        userId: principal.userId,
        now: clock.now(),
        ttlSeconds,
      });
      return { statusCode: 200 };
    }

    if (routeKey === '$disconnect') {
      await deps.connections.disconnect(connectionId);
      return { statusCode: 200 };
    }

    const management = managementFor(requestContext.domainName, requestContext.stage);
    const reply = async (message: ServerReply | SnapshotMessage) => {
      if ((await postToConnection(management, connectionId, message)) === 'gone') {
        await deps.connections.disconnect(connectionId);
      }
    };
    try {
      const connection = await deps.connections.get(connectionId);
      if (!connection) {
        await reply({ type: 'error', code: 'auth_required', message: 'connect with ?token=' });
        return { statusCode: 200 };
      }
      const message = parseClientMessage(body ?? '', { maxMessageBytes, binary: isBase64Encoded === true });
      if (!message.ok) {
        await reply({ type: 'error', code: message.code, message: message.message });
        return { statusCode: 200 };
      }
      const command = message.message;
      if (command.action === 'ping') await reply({ type: 'pong' });
      else if (command.action === 'auth') {
        await reply({ type: 'error', code: 'already_authenticated', message: 'authenticated at connect' });
      } else if (command.action === 'unsubscribe') {
        const target = targetOf(command);
        await deps.connections.unsubscribe({ connectionId, target });
        await reply({ type: 'unsubscribed', ...targetFieldsOf(target) });
      } else {
        const target = targetOf(command);
        const snapshot = await deps.canAccess(connection.tenantId, target);
        if (!snapshot) {
          await reply({ type: 'error', code: 'not_found', message: `${target.kind} ${target.id} not found` });
          return { statusCode: 200 };
        }
        const outcome = await deps.connections.subscribe({
          connectionId,
          tenantId: connection.tenantId,
          target,
          maxSubscriptions,
        });
        if (outcome === 'too_many_subscriptions') {
          await reply({
            type: 'error',
            code: 'too_many_subscriptions',
            message: `at most ${maxSubscriptions} subscriptions per connection`,
          });
        } else if (outcome === 'gone') {
          await reply({ type: 'error', code: 'auth_required', message: 'the connection is not registered' });
        } else {
          await reply({ type: 'subscribed', ...targetFieldsOf(target) });
          await reply(snapshot);
        }
      }
      return { statusCode: 200 };
    } catch (error) {
      logger.error('websocket message failed', { routeKey, error: describeError(error) });
      return { statusCode: 500 };
    }
  };
}

const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  JWT_SECRET: z.string().min(32).optional(),
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** The WebSocket API's management endpoint; otherwise derived from each event's domain and stage. */
  REALTIME_MANAGEMENT_ENDPOINT: z.url().optional(),
  REALTIME_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).max(1000).optional(),
  REALTIME_CONNECTION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** Builds the handler's parts from environment variables (what SST sets or links). */
export function webSocketDepsFromEnv(env: Record<string, string | undefined>): WebSocketDeps {
  const config = envSchema.parse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  );
  const documentClient = createDocumentClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL_DYNAMODB ? { endpoint: config.AWS_ENDPOINT_URL_DYNAMODB } : {}),
  });
  const store = createStore({ documentClient, tableName: config.TABLE_NAME });
  return {
    connections: store.wsConnections,
    canAccess: storeTargetAccess(store),
    verifyToken: createTokenVerifier({
      ...(config.JWT_SECRET ? { secret: config.JWT_SECRET } : {}),
      ...(config.JWT_JWKS_URL ? { jwksUrl: config.JWT_JWKS_URL } : {}),
      ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
      ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
    }),
    ...(config.REALTIME_MANAGEMENT_ENDPOINT
      ? { management: createManagementClient(config.REALTIME_MANAGEMENT_ENDPOINT, config.AWS_REGION) }
      : {}),
    ...(config.REALTIME_MAX_SUBSCRIPTIONS ? { maxSubscriptions: config.REALTIME_MAX_SUBSCRIPTIONS } : {}),
    ...(config.REALTIME_CONNECTION_TTL_SECONDS
      ? { connectionTtlSeconds: config.REALTIME_CONNECTION_TTL_SECONDS }
      : {}),
    logger: createJsonLogger({
      level: config.LOG_LEVEL,
      base: { service: 'paperlane', fn: env.AWS_LAMBDA_FUNCTION_NAME },
    }),
  };
}

let built: ReturnType<typeof createWebSocketHandler> | undefined;

/** The Lambda entry point; its parts are built once per execution environment, on first use. */
export const handler = (event: unknown): Promise<WebSocketResult> => {
  // On AWS the table, the JWT secret and the management endpoint come as SST links.
  built ??= createWebSocketHandler(webSocketDepsFromEnv({ ...process.env, ...linkedEnvironment() }));
  return built(event);
};
