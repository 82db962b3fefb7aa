import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { createFolderBlobStore } from '@paperlane/adapters/blob';
import { sniffContentType } from '@paperlane/adapters/files';
import { createApp, mintToken, type Principal } from '@paperlane/api';
import { createAdminBoard } from '@paperlane/api/admin/bull-board';
import { createRealtimeHub, storeTargetAccess } from '@paperlane/api/realtime/index';
import {
  type EventBus,
  type JobStatus,
  type JobStore,
  type Logger,
  silentLogger,
  TERMINAL_STATUSES,
} from '@paperlane/core';
import { buildApiDeps } from '../../src/api-deps';
import { loadConfig } from '../../src/config/config';
import { type ContainerParts, createContainer } from '../../src/container';
import { metricsExposition } from '../../src/local/operator-views';
import { placeholderHandlers } from '../../src/placeholder-handlers';
import { recordsQueueWindow } from '../../src/queue-window/queue-window';
import { startHttpServer } from '../../src/server/node-server';
import { attachRealtimeWebSocket } from '../../src/server/realtime-ws';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';

export interface ApiHarnessOptions {
  env?: Record<string, string>;
  /** Placeholders by default (fast route tests); `createJobHandlers` for the real jobs. */
  handlers?: ContainerParts['handlers'];
  /** Start every queue's workers at once (default false: tests start them when ready). */
  workers?: boolean;
  /** The container's and the app's logger (default silent). */
  logger?: Logger;
  /** Share a DATA_DIR (files) with another instance; the caller removes it. Default: a fresh one. */
  dataDir?: string;
}

/**
 * The embedded runtime (dynalite + fauxqs in-process, files in a temp folder; with
 * `REDIS_URL`, BullMQ and the Redis event bus) behind a real listening HTTP server
 * with `/ws`, queue admin and (BullMQ) Bull Board, wired as `npm start` wires them.
 */
export async function startApi(options: ApiHarnessOptions = {}) {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'paperlane-api-')));
  const config = loadConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'error',
    SWEEP_GRACE_MS: '60000',
    ...options.env,
  });
  const container = await createContainer(config, {
    blobs: createFolderBlobStore({ root: join(dataDir, 'files') }),
    sniff: sniffContentType,
    handlers: options.handlers ?? placeholderHandlers,
    logger: options.logger ?? silentLogger,
  });
  const bullmqQueues = container.bullmqQueues();
  const queueAdmin = container.queueAdmin();
  const deps = buildApiDeps(container, {
    jwtSecret: SECRET,
    queueAdmin,
    metricsExposition: metricsExposition(container.metrics, { queueAdmin, logger: container.logger }),
    queueWindow: recordsQueueWindow(container),
    ...(bullmqQueues ? { adminBoard: createAdminBoard(bullmqQueues, serveStatic) } : {}),
  });
  const app = createApp(deps);
  const http = await startHttpServer(app.fetch, { port: 0, hostname: '127.0.0.1' });
  const realtime = attachRealtimeWebSocket(http.server, {
    hub: createRealtimeHub({ events: container.events }),
    verifyToken: deps.verifyToken,
    canAccess: storeTargetAccess(container.store),
  });
  const workers = options.workers ? await container.startWorkers() : undefined;

  const token = (tenantId: string, role: Principal['role'] = 'user', userId = 'user-1') =>
    mintToken(SECRET, { tenantId, userId, role });

  return {
    url: http.url,
    /** The realtime WebSocket's address (`/ws` on the API's port). */
    wsUrl: `${http.url.replace(/^http/, 'ws')}/ws`,
    /** Where this instance keeps its files (DATA_DIR). */
    dataDir,
    app,
    /** What the app was built from (to build a variant of it in-process). */
    deps,
    container,
    token,
    secret: SECRET,
    /** fetch against the server with a tenant's bearer token. */
    async call(tenantId: string | undefined, path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      if (tenantId) headers.set('authorization', `Bearer ${await token(tenantId)}`);
      return fetch(`${http.url}${path}`, { ...init, headers });
    },
    async close() {
      await workers?.stop();
      await realtime.close();
      await http.close();
      await container.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type ApiHarness = Awaited<ReturnType<typeof startApi>>;

/** A minimal valid PDF, PNG and JPEG (by magic bytes) for upload tests. */
export const SAMPLE_FILES = {
  pdf: () =>
    new Blob([Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')], { type: 'application/pdf' }),
  png: () =>
    new Blob([Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex')], {
      type: 'image/png',
    }),
};

export function uploadForm(files: Array<{ name: string; blob: Blob }>, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const { name, blob } of files) form.append('files', blob, name);
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return form;
}

/**
 * Resolves once every listed job is terminal (or in one of `until`): by its event,
 * or by its record for a job that got there before the subscription began.
 */
export function awaitJobsSettled(
  parts: { events: EventBus; store: { jobs: JobStore } },
  tenantId: string,
  jobIds: readonly string[],
  until: ReadonlySet<JobStatus> = TERMINAL_STATUSES,
): Promise<Map<string, JobStatus>> {
  const done = new Map<string, JobStatus>();
  return new Promise((resolve, reject) => {
    const settle = (jobId: string, status: JobStatus) => {
      if (!jobIds.includes(jobId) || !until.has(status)) return;
      done.set(jobId, status);
      if (done.size === jobIds.length) {
        stop();
        resolve(done);
      }
    };
    const stop = parts.events.subscribe((event) => {
      if (event.type === 'job:complete') settle(event.jobId, 'complete');
      if (event.type === 'job:failed') settle(event.jobId, 'failed');
      if (event.type === 'job:cancelled') settle(event.jobId, 'cancelled');
    });
    Promise.all(
      jobIds.map(async (jobId) => {
        const job = await parts.store.jobs.get({ tenantId, jobId });
        if (job) settle(jobId, job.status);
      }),
    ).catch(reject);
  });
}
