import { serveStatic } from '@hono/node-server/serve-static';
import type { MetricsSnapshot } from '@paperlane/adapters/metrics/prometheus-metrics';
import { type ApiDeps, createApp, type HealthCheck } from '@paperlane/api';
import { createAdminBoard } from '@paperlane/api/admin/bull-board';
import { createRealtimeHub, storeTargetAccess } from '@paperlane/api/realtime/index';
import { buildApiDeps } from '../api-deps';
import type { Container } from '../container';
import { recordsQueueWindow } from '../queue-window/queue-window';
import { type HttpServer, startHttpServer } from '../server/node-server';
import { attachRealtimeWebSocket } from '../server/realtime-ws';
import { metricsExposition } from './operator-views';

export interface ApiServer {
  url: string;
  http: HttpServer;
  deps: ApiDeps;
  /** Stops accepting (HTTP and WebSocket) and closes open connections. */
  close(): Promise<void>;
}

export interface ServeApiOptions {
  jwtSecret: string;
  /** Checks added to `/healthz` (the supervisor's children). */
  health?: HealthCheck[];
  /** Extra GET routes answered before the app (operator views of this process). */
  routes?: Record<string, () => Response>;
  /** The other processes' latest metrics (the supervisor's relay), merged into `/metrics`. */
  relayedMetrics?: () => readonly MetricsSnapshot[];
}

/** The HTTP API (REST, SSE, admin) and the realtime WebSocket on the container's event bus. */
export async function serveApi(container: Container, options: ServeApiOptions): Promise<ApiServer> {
  const { config } = container;
  const queues = container.bullmqQueues();
  const queueAdmin = container.queueAdmin();
  const deps = buildApiDeps(container, {
    jwtSecret: options.jwtSecret,
    queueAdmin,
    ...(queues ? { adminBoard: createAdminBoard(queues, serveStatic) } : {}),
    metricsExposition: metricsExposition(container.metrics, {
      queueAdmin,
      logger: container.logger,
      ...(options.relayedMetrics ? { relayed: options.relayedMetrics } : {}),
    }),
    queueWindow: recordsQueueWindow(container),
  });
  deps.health.push(...(options.health ?? []));
  const app = createApp(deps);
  const routes = options.routes ?? {};
  const http = await startHttpServer(
    (request, ...rest: unknown[]) => {
      const extra = request.method === 'GET' ? routes[new URL(request.url).pathname] : undefined;
      return extra ? extra() : app.fetch(request, ...(rest as []));
    },
    { port: config.env.PORT, hostname: config.env.HOST },
  );
  const realtime = attachRealtimeWebSocket(http.server, {
    hub: createRealtimeHub({ events: container.events, logger: container.logger }),
    verifyToken: deps.verifyToken,
    canAccess: storeTargetAccess(container.store),
    logger: container.logger,
  });
  return {
    url: http.url,
    http,
    deps,
    async close() {
      await realtime.close();
      await http.close();
    },
  };
}
