import { mintToken, type PrincipalRole } from '@paperlane/api';
import { type ChangeFeed, type EventBus, type JobHandlers, type Logger, QUEUE_NAMES } from '@paperlane/core';
import type { Config } from '../config/config';
import { localJwtSecret } from '../config/dev-secret';
import type { Container } from '../container';
import { createLocalContainer } from '../local/local-container';
import { type ApiServer, type ServeApiOptions, serveApi } from '../local/serve-api';

/** The API consumes nothing; a handler called here would be a wiring bug, so it fails loudly. */
const noConsumers = Object.fromEntries(
  QUEUE_NAMES.map((queue) => [
    queue,
    async () => {
      throw new Error(`the api process does not consume ${queue}`);
    },
  ]),
) as JobHandlers;

export interface ApiRole {
  url: string;
  container: Container;
  server: ApiServer;
  token(tenantId: string, options?: { role?: PrincipalRole; userId?: string }): Promise<string>;
  close(): Promise<void>;
}

/**
 * The API role: HTTP (REST, SSE, admin) and the realtime WebSocket. It enqueues and
 * reads; it never consumes, sweeps or ticks, so a job cannot take it down.
 */
export async function startApiRole(options: {
  config: Config;
  events?: EventBus;
  changes?: ChangeFeed;
  logger?: Logger;
  health?: ServeApiOptions['health'];
  routes?: ServeApiOptions['routes'];
  relayedMetrics?: ServeApiOptions['relayedMetrics'];
}): Promise<ApiRole> {
  const { config } = options;
  const jwtSecret = await localJwtSecret(config);
  const container = await createLocalContainer(config, { ...options, handlers: noConsumers, role: 'api' });
  let server: ApiServer;
  try {
    server = await serveApi(container, {
      jwtSecret,
      ...(options.health ? { health: options.health } : {}),
      ...(options.routes ? { routes: options.routes } : {}),
      ...(options.relayedMetrics ? { relayedMetrics: options.relayedMetrics } : {}),
    });
  } catch (error) {
    await container.close();
    throw error;
  }
  return {
    url: server.url,
    container,
    server,
    token: (tenantId, { role = 'user', userId = 'dev' } = {}) =>
      mintToken(jwtSecret, { tenantId, userId, role }, { expiresIn: '30d' }),
    async close() {
      await server.close();
      await container.close();
    },
  };
}
