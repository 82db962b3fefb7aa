import { serveStatic } from '@hono/node-server/serve-static';
import { sniffContentType } from '@paperlane/adapters/files';
import { createApp, mintToken } from '@paperlane/api';
import { createAdminBoard } from '@paperlane/api/admin/bull-board';
import { createRealtimeHub, storeTargetAccess } from '@paperlane/api/realtime/index';
import { type Logger, QUEUE_NAMES, type QueueName, systemClock } from '@paperlane/core';
import { runAutomationTick } from '@paperlane/jobs';
import { buildApiDeps } from '../api-deps';
import { blobStoreFor } from '../blob-store';
import { type Config, loadConfig } from '../config/config';
import { devJwtSecret } from '../config/dev-secret';
import { type Container, createContainer, type Stoppable } from '../container';
import { createJobHandlers } from '../handlers';
import { type HttpServer, startHttpServer } from '../server/node-server';
import { attachRealtimeWebSocket, type RealtimeWsServer } from '../server/realtime-ws';
import { startBullmqTicker } from './bullmq-ticker';
import { startTicker } from './ticker';

/** The automation tick's name (its BullMQ job scheduler id on Redis). */
export const AUTOMATION_TICK = 'automation-tick';

export interface LocalOptions {
  env?: Record<string, string | undefined>;
  /** Serve the HTTP API (default true). */
  api?: boolean;
  /** Queues consumed in this process (default: all of them). */
  queues?: readonly QueueName[];
  /** Run the outbox sweeper and the automation tick here (default true). */
  sweeper?: boolean;
  /** How often the automation tick runs (default 60 s, as the EventBridge schedule on AWS). */
  tickEveryMs?: number;
  logger?: Logger;
}

export interface LocalProcess {
  config: Config;
  container: Container;
  /** Set when the API is served. */
  url?: string;
  http?: HttpServer;
  /** Mints a token against this process's JWT secret. */
  token(tenantId: string, options?: { role?: 'user' | 'admin'; userId?: string }): Promise<string>;
  close(): Promise<void>;
}

/** The HS256 secret: JWT_SECRET, else (off AWS) the one generated under DATA_DIR. */
export async function localJwtSecret(config: Config): Promise<string> {
  return config.env.JWT_SECRET ?? devJwtSecret(config.env.DATA_DIR);
}

/**
 * Runs Paperlane in this process the way `npm start` and `npm run worker:*` do:
 * the container (embedded stand-ins where no endpoint is configured), workers for
 * the chosen queues, the sweeper, and the HTTP API. Close it to shut down gracefully:
 * the API stops accepting, workers finish their current jobs, then services stop.
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalProcess> {
  const config = loadConfig(options.env ?? process.env);
  const jwtSecret = await localJwtSecret(config);
  const container = await createContainer(config, {
    blobs: blobStoreFor(config),
    sniff: sniffContentType,
    handlers: createJobHandlers,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const running: Stoppable[] = [];
  let http: HttpServer | undefined;
  let realtime: RealtimeWsServer | undefined;
  try {
    const queues = options.queues ?? QUEUE_NAMES;
    if (queues.length > 0) running.push(await container.startWorkers(queues));
    // In-memory queues start empty: every pending job needs its message again after a restart.
    if (options.sweeper ?? true) {
      running.push(await container.startSweeper({ recoverNow: config.embed.sqs }));
      // What EventBridge does on AWS. On Redis a BullMQ job scheduler ticks once for all
      // processes; alone (embedded) a timer does. Overlapping ticks would be harmless
      // (runs are deduplicated by automation + scheduled time), just wasted work.
      const tick = () =>
        runAutomationTick({
          store: container.store,
          queue: container.dispatcher,
          clock: systemClock,
          logger: container.logger,
        });
      const everyMs = options.tickEveryMs ?? 60_000;
      running.push(
        config.env.REDIS_URL
          ? await startBullmqTicker(AUTOMATION_TICK, tick, {
              url: config.env.REDIS_URL,
              everyMs,
              logger: container.logger,
            })
          : startTicker(AUTOMATION_TICK, tick, { periodMs: everyMs, logger: container.logger }),
      );
    }
    if (options.api ?? true) {
      const queues = container.bullmqQueues();
      const deps = buildApiDeps(container, {
        jwtSecret,
        queueAdmin: container.queueAdmin(),
        ...(queues ? { adminBoard: createAdminBoard(queues, serveStatic) } : {}),
      });
      http = await startHttpServer(createApp(deps).fetch, {
        port: config.env.PORT,
        hostname: config.env.HOST,
      });
      realtime = attachRealtimeWebSocket(http.server, {
        hub: createRealtimeHub({ events: container.events, logger: container.logger }),
        verifyToken: deps.verifyToken,
        canAccess: storeTargetAccess(container.store),
        logger: container.logger,
      });
    }
  } catch (error) {
    await realtime?.close();
    await http?.close();
    for (const r of running.reverse()) await r.stop();
    await container.close();
    throw error;
  }

  return {
    config,
    container,
    ...(http ? { url: http.url, http } : {}),
    token: (tenantId, { role = 'user', userId = 'dev' } = {}) =>
      mintToken(jwtSecret, { tenantId, userId, role }, { expiresIn: '30d' }),
    async close() {
      await realtime?.close();
      await http?.close();
      for (const r of running.reverse()) await r.stop();
      await container.close();
    },
  };
}
