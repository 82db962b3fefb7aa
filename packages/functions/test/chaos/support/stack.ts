/**
 * Paperlane as separate real processes for the chaos suite: dynalite (on disk) and
 * redis-server or fauxqs in their own processes, an API process, a control process
 * (sweeper + webhook-delivery consumer) and document consumers the cases kill at
 * will. Every process the stack starts is killed by `close()` (and by the testing
 * package's exit hook if the test process dies first).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '@paperlane/api';
import {
  type StartedProcess,
  startDynaliteProcess,
  startFauxqsProcess,
  startProcess,
  startRedis,
} from '@paperlane/testing';
import { type EffectCounter, startEffectCounter } from './receiver';
import { tenantClient } from './tenant';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const WORKER = fileURLToPath(new URL('../../../src/bin/worker.ts', import.meta.url));
/** `npm run api`: HTTP and realtime only, so killing a consumer never takes the API with it. */
const API = fileURLToPath(new URL('../../../src/bin/api.ts', import.meta.url));
const JWT_SECRET = 'chaos-suite-secret-that-is-long-enough-for-hs256';
export const TENANT = 'chaos';

export interface ChaosStackOptions {
  transport: 'bullmq' | 'sqs';
  /** Redis persistence (append-only file) for the BullMQ transport. */
  appendonly?: boolean;
  /** Extra environment for every Paperlane process. */
  env?: Record<string, string>;
}

/** A Paperlane process: its output tail is shown when a case fails. */
export interface Role {
  name: string;
  proc: StartedProcess;
}

/** Short periods so a case sees the sweeper and lease take-overs within seconds, not minutes. */
export const FAST = {
  SWEEP_INTERVAL_MS: '1000',
  SWEEP_GRACE_MS: '3000',
  JOB_LEASE_MS: '8000',
  JOB_RETRY_BACKOFF_MS: '500',
  RATE_LIMIT_PER_MINUTE: '100000',
  LOG_LEVEL: 'warn',
};

export async function startChaosStack(options: ChaosStackOptions) {
  const dir = await mkdtemp(join(tmpdir(), 'paperlane-chaos-'));
  const roles = new Set<Role>();
  const infra = new Set<StartedProcess>();
  const track = <T extends { process: StartedProcess }>(server: T): T => {
    infra.add(server.process);
    void server.process.exited.then(() => infra.delete(server.process));
    return server;
  };
  const dynamoPath = join(dir, 'dynamo');
  await mkdir(dynamoPath);
  await mkdir(join(dir, 'redis'));
  let dynamo = track(await startDynaliteProcess({ path: dynamoPath }));
  let redis =
    options.transport === 'bullmq'
      ? track(await startRedis({ dir: join(dir, 'redis'), appendonly: options.appendonly ?? false }))
      : undefined;
  let fauxqs = options.transport === 'sqs' ? track(await startFauxqsProcess()) : undefined;
  const counter: EffectCounter = await startEffectCounter();

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...FAST,
    DATA_DIR: join(dir, 'data'),
    PORT: '0',
    JWT_SECRET,
    SECRET_KEY: Buffer.alloc(32, 11).toString('base64'),
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...(fauxqs ? { AWS_ENDPOINT_URL_SQS: fauxqs.endpoint } : {}),
    WEBHOOK_ALLOWED_HOSTS: counter.host,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env,
  };

  async function launch(name: string, script: string, args: string[], ready: RegExp, extra = {}) {
    const proc = await startProcess(process.execPath, ['--import', 'tsx', script, ...args], {
      ready,
      cwd: ROOT,
      env: { ...env, ...extra },
      timeoutMs: 60_000,
    });
    const role = { name, proc };
    roles.add(role);
    return role;
  }

  /** Every process this stack started, SIGKILLed; then its files. */
  async function teardown() {
    for (const role of roles) role.proc.child.kill('SIGKILL');
    await Promise.all([...roles].map((r) => r.proc.exited));
    for (const server of infra) server.child.kill('SIGKILL');
    await Promise.all([...infra].map((s) => s.exited));
    await counter.close();
    await rm(dir, { recursive: true, force: true });
  }

  /** The sweeper and the webhook-delivery consumer (never a document consumer). */
  const launchControl = (extra: Record<string, string> = {}) =>
    launch('control', WORKER, ['--sweeper', 'webhook-delivery'], /consuming/, extra);
  let control: Role;
  let url: string;
  let tenant: Awaited<ReturnType<typeof tenantClient>>;
  let webhookId: string;
  try {
    // Started side by side: each spends seconds loading its modules.
    const [api, controlled] = await Promise.allSettled([
      launch('api', API, [], /paperlane api: serving (\S+)/),
      launchControl(),
    ]);
    if (api.status === 'rejected') throw api.reason;
    if (controlled.status === 'rejected') throw controlled.reason;
    control = controlled.value;
    url = /paperlane api: serving (\S+)/.exec(api.value.proc.output())?.[1] ?? '';
    const token = await mintToken(JWT_SECRET, { tenantId: TENANT, userId: 'chaos', role: 'user' });
    tenant = await tenantClient(url, token);
    webhookId = await tenant.subscribe(counter);
  } catch (error) {
    await teardown();
    throw error;
  }

  return {
    dir,
    url,
    env,
    counter,
    webhookId,
    call: tenant.call,
    upload: tenant.upload,
    roles,
    get dynamo() {
      return dynamo;
    },
    get redis() {
      return redis;
    },
    get fauxqs() {
      return fauxqs;
    },

    /** A consumer process for the given queues; `extra` adds environment (e.g. a fault point). */
    consumer(queues: readonly string[], extra: Record<string, string> = {}, name = 'consumer') {
      return launch(name, WORKER, [...queues], /consuming/, extra);
    },

    get control() {
      return control;
    },

    /** Replaces the control process (sweeper + webhook deliveries), e.g. with a fault point. */
    async replaceControl(extra: Record<string, string> = {}) {
      if (roles.has(control)) await this.kill(control);
      control = await launchControl(extra);
      return control;
    },

    /** SIGKILL, as the OOM killer would; resolves once it is gone. */
    async kill(role: Role) {
      role.proc.child.kill('SIGKILL');
      await role.proc.exited;
      roles.delete(role);
    },

    /**
     * Kills redis-server and starts it again on its port and directory, `appendonly`
     * deciding whether the new one persists (and so reloads what the old one wrote).
     */
    async restartRedis(next: { appendonly: boolean; downMs?: number }) {
      if (!redis) throw new Error('no redis in this stack');
      const { port, dir: redisDir } = redis;
      redis.process.child.kill('SIGKILL');
      await redis.process.exited;
      if (next.downMs) await new Promise((r) => setTimeout(r, next.downMs));
      redis = track(await startRedis({ port, dir: redisDir, appendonly: next.appendonly }));
    },

    /** Kills dynalite and, `downMs` later, starts it again on its port with its data. */
    async restartStore(downMs: number) {
      const { port } = dynamo;
      dynamo.process.child.kill('SIGKILL');
      await dynamo.process.exited;
      await new Promise((r) => setTimeout(r, downMs));
      dynamo = track(await startDynaliteProcess({ path: dynamoPath, port }));
    },

    /** Kills the SQS emulator and starts an empty one on its port. */
    async restartFauxqs(downMs = 0) {
      if (!fauxqs) throw new Error('no fauxqs in this stack');
      const { port } = fauxqs;
      fauxqs.process.child.kill('SIGKILL');
      await fauxqs.process.exited;
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      fauxqs = track(await startFauxqsProcess({ port }));
    },

    /** Every Paperlane process's output tail, for a failure report. */
    logs(): string {
      return [...roles]
        .map((r) => `--- ${r.name} (pid ${r.proc.child.pid})\n${r.proc.output().slice(-4000)}`)
        .join('\n');
    },

    close: teardown,
  };
}

export type ChaosStack = Awaited<ReturnType<typeof startChaosStack>>;
