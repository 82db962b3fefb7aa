/**
 * The entry of every process `npm start` forks: `child.ts <role>`. It starts the role's
 * composition root (`roles/`), reports `ready` over IPC, and stops gracefully when the
 * supervisor says so, on SIGTERM, or when its IPC channel closes (the supervisor died:
 * no orphan outlives it). Ctrl-C reaches every process of the terminal's group; the
 * children ignore it and let the supervisor stop them in order.
 */
import { createIpcChangeFeed } from '@paperlane/adapters/events/change-feeds';
import { createIpcEventBus } from '@paperlane/adapters/events/ipc-bus';
import { createJsonLogger } from '@paperlane/adapters/logging/json-logger';
import { describeError } from '@paperlane/core';
import { loadConfig } from '../config/config';
import { CONSUMER_QUEUES, isRole, type Role, SCHEDULES_ROLE } from '../roles/roles';
import type { FromChild } from './messages';
import { toChildSchema } from './messages';
import { pushMetrics, relayedMetrics } from './metrics-relay';
import { processHealth } from './process-health';
import { loadSupervisorSettings } from './settings';

const role = process.argv[2];
if (!isRole(role) || !process.send) {
  process.stderr.write('paperlane: this is a child of `npm start`, not a command of its own\n');
  process.exit(2);
}

interface Running {
  ready: Omit<Extract<FromChild, { kind: 'paperlane:ready' }>, 'kind'>;
  recover?(): Promise<void>;
  close(): Promise<void>;
}

const config = loadConfig();
const settings = loadSupervisorSettings(process.env);
const logger = createJsonLogger({ level: config.env.LOG_LEVEL, base: { service: 'paperlane', role } });
const health = processHealth(process.env.SUPERVISOR_ROLES);
const tell = (message: FromChild) => {
  if (process.connected) process.send?.(message);
};

/** The other children's metrics, relayed by the supervisor (kept by the API child only). */
const relayed = relayedMetrics();

async function start(role: Role): Promise<Running> {
  // Each role's code is imported by the one child that runs it (the emulators child loads no API).
  if (role === 'emulators') {
    const { startEmulatorsRole } = await import('../roles/emulators');
    const services = await startEmulatorsRole(config, {
      dynamodb: settings.SUPERVISOR_DYNAMODB_PORT,
      sqs: settings.SUPERVISOR_SQS_PORT,
    });
    return { ready: { endpoints: services.endpoints }, close: () => services.stop() };
  }
  // Redis pub/sub when Redis is there (the container builds it); otherwise through the supervisor.
  const events = config.env.REDIS_URL ? undefined : createIpcEventBus({ channel: process, logger });
  const changes = config.env.REDIS_URL ? undefined : createIpcChangeFeed({ channel: process, logger });
  const shared = { config, logger, ...(events ? { events } : {}), ...(changes ? { changes } : {}) };
  if (role === 'api') {
    const { startApiRole } = await import('../roles/api');
    const api = await startApiRole({
      ...shared,
      health: health.checks,
      routes: health.routes,
      relayedMetrics: relayed.snapshots,
    });
    return { ready: { url: api.url }, close: () => api.close() };
  }
  const { startConsumersRole } = await import('../roles/consumers');
  const consumers = await startConsumersRole({
    ...shared,
    queues: CONSUMER_QUEUES[role],
    schedules: role === SCHEDULES_ROLE,
    role,
  });
  const stopPush = pushMetrics({
    role,
    snapshot: () => consumers.container.metrics.snapshot(),
    send: (message) => {
      if (process.connected) process.send?.(message);
    },
  });
  return {
    ready: {},
    recover: () => consumers.recover(),
    close: async () => {
      await stopPush();
      await consumers.close();
    },
  };
}

let running: Running | undefined;
let stopReason: string | undefined;

function stop(reason: string) {
  if (stopReason) return;
  stopReason = reason;
  // Bounded even while still starting (a start stuck on an unreachable emulator).
  const forced = setTimeout(() => {
    logger.error('graceful stop took too long; exiting', { reason });
    process.exit(1);
  }, settings.SUPERVISOR_SHUTDOWN_TIMEOUT_MS);
  forced.unref();
  if (running) closeAndExit(running, reason); // else still starting: stops as soon as it is up
}

function closeAndExit(role: Running, reason: string) {
  logger.info('stopping', { reason });
  role.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error('stop failed', { error: describeError(error) });
      process.exit(1);
    },
  );
}

process.on('message', (raw) => {
  if (relayed.accept(raw)) return;
  const message = toChildSchema.safeParse(raw);
  if (!message.success) return; // the event bus's messages, handled by the bus
  const { data } = message;
  if (data.kind === 'paperlane:stop') stop('supervisor');
  else if (data.kind === 'paperlane:processes') health.update(data.processes);
  else if (running?.recover) {
    running.recover().then(
      () => tell({ kind: 'paperlane:recovered' }),
      (error: unknown) => logger.error('recovery sweep failed', { error: describeError(error) }),
    );
  }
});
process.on('disconnect', () => stop('supervisor gone'));
// The supervisor may have died while this process was still loading its modules.
if (!process.connected) stop('supervisor gone');
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => {});

try {
  running = await start(role);
} catch (error) {
  logger.error('could not start', { error: describeError(error) });
  process.exit(1);
}
if (stopReason) closeAndExit(running, stopReason);
else tell({ kind: 'paperlane:ready', ...running.ready });
