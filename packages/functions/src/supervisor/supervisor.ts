import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_STORE_CHANGE } from '@paperlane/adapters/events/change-feeds';
import { IPC_JOB_EVENT, IPC_JOB_EVENTS_WANTED } from '@paperlane/adapters/events/ipc-bus';
import { createJsonLogger } from '@paperlane/adapters/logging/json-logger';
import type { PrincipalRole } from '@paperlane/api';
// Narrow paths: the supervisor loads no API, container or emulator code of its own.
import { mintToken } from '@paperlane/api/auth/tokens';
import type { Logger } from '@paperlane/core';
import { freePort } from '@paperlane/testing/free-port';
import { type Config, loadConfig } from '../config/config';
import { devSecretKey, localJwtSecret } from '../config/dev-secret';
import type { Role } from '../roles/roles';
import { SCHEDULES_ROLE } from '../roles/roles';
import { type FromChild, fromChildSchema, type ProcessStatus, type ToChild } from './messages';
import { IPC_METRICS } from './metrics-relay';
import { childEnv, childExecArgv, type Env, plannedRoles } from './plan';
import { nextCrashCount, restartDelay } from './restart-policy';
import { loadSupervisorSettings, type SupervisorSettings } from './settings';

const CHILD_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Shutdown order: stop accepting requests, let consumers finish their jobs, then the emulators. */
const SHUTDOWN_STAGES: Role[][] = [['api'], ['documents', 'integrations'], ['emulators']];

export interface SupervisorOptions {
  /** The environment every child starts from (default `process.env`). */
  env?: Env;
  /** The supervisor's own log lines (crashes, restarts, shutdown steps). */
  logger?: Logger;
  /** The children's stdout/stderr: shared with this process (default) or discarded. */
  output?: 'inherit' | 'ignore';
}

export interface Supervisor {
  /** The API's address (kept across API restarts). */
  url: string;
  config: Config;
  /** Mints a token the API accepts. */
  token(tenantId: string, options?: { role?: PrincipalRole; userId?: string }): Promise<string>;
  /** Every child's state now. */
  processes(): ProcessStatus[];
  /** A child's current pid (undefined while it is down). */
  pid(role: Role): number | undefined;
  /** Resolves with the states once `until` holds for them (checked now and on every change). */
  waitFor(until: (processes: ProcessStatus[]) => boolean, timeoutMs?: number): Promise<ProcessStatus[]>;
  /** Graceful, bounded stop: API, then consumers (current jobs finish), then emulators. */
  close(): Promise<void>;
  /** SIGKILLs every child now (a second Ctrl-C). */
  kill(): void;
}

interface Child {
  role: Role;
  proc?: ChildProcess;
  exited?: Promise<void>;
  state: ProcessStatus['state'];
  restarts: number;
  crashes: number;
  upSince?: number;
  lastExit?: ProcessStatus['lastExit'];
  wantsEvents: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * `npm start`: each role in its own child process — emulators (when any service is
 * embedded), the API (HTTP + realtime only), the document consumers (heap-capped) and
 * the integration consumers (plus the sweeper and the automation tick). Children start
 * in that order, each awaited through its IPC `ready` message; one that dies is logged
 * and restarted with exponential backoff while the others carry on. Job events travel
 * between children through this process (the IPC event bus) unless Redis carries them.
 *
 * @example
 * const supervisor = await startSupervisor({ env: { ...process.env, DATA_DIR: dir, PORT: '0' } });
 * process.kill(supervisor.pid('documents') ?? 0, 'SIGKILL');
 * await supervisor.waitFor((ps) => ps.some((p) => p.role === 'documents' && p.state === 'up' && p.restarts === 1));
 * await supervisor.close();
 */
export async function startSupervisor(options: SupervisorOptions = {}): Promise<Supervisor> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const settings = loadSupervisorSettings(env);
  const logger =
    options.logger ??
    createJsonLogger({ level: config.env.LOG_LEVEL, base: { service: 'paperlane', process: 'supervisor' } });
  // Created here, once, so children starting together never race to generate different ones.
  const jwtSecret = await localJwtSecret(config);
  if (!config.env.SECRET_KEY && !config.env.KMS_KEY_ID) await devSecretKey(config.env.DATA_DIR);

  const emulatorPorts = {
    ...(config.embed.dynamodb ? { dynamodb: settings.SUPERVISOR_DYNAMODB_PORT ?? (await freePort()) } : {}),
    ...(config.embed.sqs ? { sqs: settings.SUPERVISOR_SQS_PORT ?? (await freePort()) } : {}),
  };
  const apiPort = config.env.PORT === 0 ? await freePort() : config.env.PORT;
  const endpoints: { dynamodb?: string; sqs?: string } = {};
  const children = new Map<Role, Child>(
    plannedRoles(config).map((role) => [
      role,
      { role, state: 'starting', restarts: 0, crashes: 0, wantsEvents: false },
    ]),
  );
  const listeners = new Set<(processes: ProcessStatus[]) => void>();
  let supervising = false;
  let stopping = false;
  let url = '';
  // Recovery after the SQS emulator starts empty: its start count vs. what the schedules child re-sent for.
  let sqsEpoch = 0;
  let recoverySent = 0;

  const statuses = (): ProcessStatus[] =>
    [...children.values()].map((c) => ({
      role: c.role,
      state: c.state,
      ...(c.proc?.pid ? { pid: c.proc.pid } : {}),
      restarts: c.restarts,
      ...(c.lastExit ? { lastExit: c.lastExit } : {}),
    }));
  const send = (child: Child | undefined, message: ToChild | Record<string, unknown>) => {
    if (!child?.proc?.connected) return;
    child.proc.send(message, (error) => {
      if (error) logger.debug('message to a child not delivered', { role: child.role });
    });
  };
  const changed = () => {
    const processes = statuses();
    for (const child of children.values()) send(child, { kind: 'paperlane:processes', processes });
    for (const listener of [...listeners]) listener(processes);
  };
  const recoverIfNeeded = () => {
    const schedules = children.get(SCHEDULES_ROLE);
    if (!config.embed.sqs || schedules?.state !== 'up' || recoverySent >= sqsEpoch) return;
    recoverySent = sqsEpoch;
    logger.info('SQS emulator started empty; re-sending pending jobs', { role: SCHEDULES_ROLE });
    send(schedules, { kind: 'paperlane:recover' });
  };

  function onMessage(child: Child, raw: unknown, ready: (message: FromChild) => void) {
    const kind = typeof raw === 'object' && raw !== null ? (raw as { kind?: unknown }).kind : undefined;
    if (kind === IPC_JOB_EVENTS_WANTED) {
      child.wantsEvents = true;
      return;
    }
    if (kind === IPC_JOB_EVENT) {
      // Relayed as is: the receiving bus validates it.
      for (const other of children.values())
        if (other !== child && other.wantsEvents) send(other, raw as Record<string, unknown>);
      return;
    }
    if (kind === IPC_METRICS) {
      // To the API child, which serves /metrics; the role is the supervisor's word, not the child's.
      if (child.role !== 'api')
        send(children.get('api'), { ...(raw as Record<string, unknown>), role: child.role });
      return;
    }
    if (kind === IPC_STORE_CHANGE) {
      // To every other child: any of them may cache the record. The receiving feed validates it.
      for (const other of children.values()) if (other !== child) send(other, raw as Record<string, unknown>);
      return;
    }
    const message = fromChildSchema.safeParse(raw);
    if (!message.success) {
      logger.warn('ignored an invalid message from a child', { role: child.role });
      return;
    }
    if (message.data.kind === 'paperlane:recovered')
      logger.info('pending jobs re-sent', { role: child.role });
    else ready(message.data);
  }

  function onExit(child: Child, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null) {
    if (child.proc !== proc) return;
    clearTimeout(child.timer);
    child.proc = undefined;
    child.wantsEvents = false;
    child.lastExit = { code, signal, at: new Date().toISOString() };
    if (stopping || child.state === 'stopping') {
      child.state = 'stopped';
      logger.info('process stopped', { role: child.role, pid: proc.pid, code, signal });
      changed();
      return;
    }
    const upFor = child.upSince ? Date.now() - child.upSince : 0;
    child.upSince = undefined;
    child.crashes = nextCrashCount(child.crashes, upFor, settings.SUPERVISOR_STABLE_AFTER_MS);
    const delay = restartDelay(child.crashes, {
      baseMs: settings.SUPERVISOR_RESTART_BASE_MS,
      maxMs: settings.SUPERVISOR_RESTART_MAX_MS,
    });
    child.state = 'restarting';
    logger.error('process exited', {
      role: child.role,
      pid: proc.pid,
      code,
      signal,
      ...(supervising ? { restartInMs: delay } : {}),
    });
    changed();
    if (!supervising) return; // during start-up, startSupervisor fails instead
    child.timer = setTimeout(() => {
      if (stopping) return;
      child.restarts++;
      spawn(child).catch(() => {}); // a failed restart is another exit: onExit schedules the next
    }, delay);
  }

  function spawn(child: Child): Promise<FromChild> {
    const proc = fork(CHILD_ENTRY, [child.role], {
      env: childEnv(child.role, env, { config, endpoints, apiPort, emulatorPorts }),
      execArgv: childExecArgv(child.role, TSX_LOADER, settings),
      stdio: options.output === 'ignore' ? ['ignore', 'ignore', 'ignore', 'ipc'] : 'inherit',
    });
    child.proc = proc;
    child.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    changed();
    return new Promise((resolve, reject) => {
      child.timer = setTimeout(() => {
        logger.error('process not ready in time; killing it', {
          role: child.role,
          timeoutMs: settings.SUPERVISOR_READY_TIMEOUT_MS,
        });
        proc.kill('SIGKILL');
      }, settings.SUPERVISOR_READY_TIMEOUT_MS);
      proc.on('message', (raw) =>
        onMessage(child, raw, (message) => {
          if (message.kind !== 'paperlane:ready' || child.proc !== proc) return;
          clearTimeout(child.timer);
          child.state = 'up';
          child.upSince = Date.now();
          if (message.url && !url) url = message.url;
          if (child.role === 'emulators') {
            Object.assign(endpoints, message.endpoints);
            if (config.embed.sqs) sqsEpoch++;
          }
          if (child.restarts > 0) logger.info('process restarted', { role: child.role, pid: proc.pid });
          changed();
          recoverIfNeeded();
          resolve(message);
        }),
      );
      proc.once('error', (error) =>
        logger.error('process error', { role: child.role, error: error.message }),
      );
      proc.once('exit', (code, signal) => {
        onExit(child, proc, code, signal);
        reject(new Error(`${child.role} exited (${signal ?? `code ${code}`}) before it was ready`));
      });
    });
  }

  const kill = () => {
    for (const child of children.values()) child.proc?.kill('SIGKILL');
  };
  // Children also exit when their IPC channel closes; this covers a supervisor that throws.
  process.once('exit', kill);

  async function stopChild(child: Child) {
    clearTimeout(child.timer);
    if (!child.proc) {
      child.state = 'stopped';
      return;
    }
    child.state = 'stopping';
    if (child.proc.connected) send(child, { kind: 'paperlane:stop' });
    else child.proc.kill('SIGTERM');
    await child.exited;
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopping = true;
      for (const child of children.values()) clearTimeout(child.timer);
      const limit = setTimeout(() => {
        const left = [...children.values()].filter((c) => c.proc).map((c) => c.role);
        logger.warn('shutdown time limit reached; killing what is left', { roles: left });
        kill();
      }, settings.SUPERVISOR_SHUTDOWN_TIMEOUT_MS);
      for (const stage of SHUTDOWN_STAGES) {
        const running = stage.flatMap((role) => children.get(role) ?? []);
        if (running.length === 0) continue;
        logger.info('stopping', { roles: running.map((c) => c.role) });
        await Promise.all(running.map(stopChild));
      }
      clearTimeout(limit);
      process.off('exit', kill);
      logger.info('all processes stopped');
    })();
    return closing;
  };

  try {
    const [first, ...rest] = [...children.values()];
    if (first?.role === 'emulators') await spawn(first);
    await Promise.all(
      (first?.role === 'emulators' ? rest : [first, ...rest]).flatMap((c) => (c ? spawn(c) : [])),
    );
    supervising = true;
  } catch (error) {
    await close();
    throw error;
  }

  return {
    url,
    config,
    token: (tenantId, { role = 'user', userId = 'dev' } = {}) =>
      mintToken(jwtSecret, { tenantId, userId, role }, { expiresIn: '30d' }),
    processes: statuses,
    pid: (role) => children.get(role)?.proc?.pid,
    waitFor(until, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (processes: ProcessStatus[]) => {
          if (!until(processes)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(processes);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`supervisor: condition not met in ${timeoutMs} ms: ${JSON.stringify(statuses())}`),
          );
        }, timeoutMs);
        listeners.add(check);
        check(statuses());
      });
    },
    close,
    kill,
  };
}

export type { ProcessStatus } from './messages';
export type { SupervisorSettings };
