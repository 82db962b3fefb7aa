import { mintToken, type PrincipalRole } from '@paperlane/api';
import { type Logger, QUEUE_NAMES, type QueueName } from '@paperlane/core';
import { type Config, loadConfig } from '../config/config';
import { localJwtSecret } from '../config/dev-secret';
import type { Container, Stoppable } from '../container';
import type { HttpServer } from '../server/node-server';
import { createLocalContainer } from './local-container';
import { startSchedules } from './schedules';
import { type ApiServer, serveApi } from './serve-api';

export { AUTOMATION_TICK } from './schedules';

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
  token(tenantId: string, options?: { role?: PrincipalRole; userId?: string }): Promise<string>;
  close(): Promise<void>;
}

/**
 * Runs Paperlane in this one process (tests, benchmarks, `npm start -- --single-process`,
 * `npm run worker:*`): the container (embedded stand-ins where no endpoint is configured),
 * workers for the chosen queues, the sweeper, and the HTTP API. `npm start` instead runs
 * each role in its own child process (`supervisor/`). Close it to shut down gracefully:
 * the API stops accepting, workers finish their current jobs, then services stop.
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalProcess> {
  const config = loadConfig(options.env ?? process.env);
  const jwtSecret = await localJwtSecret(config);
  const container = await createLocalContainer(config, {
    ...(options.logger ? { logger: options.logger } : {}),
    role: options.api === false ? 'worker' : 'local',
  });
  const running: Stoppable[] = [];
  let api: ApiServer | undefined;
  try {
    const queues = options.queues ?? QUEUE_NAMES;
    if (queues.length > 0) running.push(await container.startWorkers(queues));
    if (options.sweeper ?? true) {
      // In-memory queues start empty: every pending job needs its message again after a restart.
      const tick = options.tickEveryMs ? { tickEveryMs: options.tickEveryMs } : {};
      running.push(await startSchedules(container, { recoverNow: config.embed.sqs, ...tick }));
    }
    if (options.api ?? true) api = await serveApi(container, { jwtSecret });
  } catch (error) {
    await api?.close();
    for (const r of running.reverse()) await r.stop();
    await container.close();
    throw error;
  }

  return {
    config,
    container,
    ...(api ? { url: api.url, http: api.http } : {}),
    token: (tenantId, { role = 'user', userId = 'dev' } = {}) =>
      mintToken(jwtSecret, { tenantId, userId, role }, { expiresIn: '30d' }),
    async close() {
      await api?.close();
      for (const r of running.reverse()) await r.stop();
      await container.close();
    },
  };
}
