import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFolderBlobStore } from '@paperlane/adapters/blob';
import { sniffContentType } from '@paperlane/adapters/files';
import { createApp, mintToken, type Principal } from '@paperlane/api';
import {
  type EventBus,
  type JobHandlers,
  type JobStatus,
  type JobStore,
  silentLogger,
  TERMINAL_STATUSES,
} from '@paperlane/core';
import { buildApiDeps } from '../../src/api-deps';
import { loadConfig } from '../../src/config/config';
import { createContainer } from '../../src/container';
import { placeholderHandlers } from '../../src/placeholder-handlers';
import { startHttpServer } from '../../src/server/node-server';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';

/**
 * The embedded runtime (dynalite + fauxqs in-process, files in a temp folder)
 * behind a real listening HTTP server, wired exactly as `npm start` wires it.
 */
export async function startApi(
  options: { env?: Record<string, string>; handlers?: JobHandlers; workers?: boolean } = {},
) {
  const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-api-'));
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
    logger: silentLogger,
  });
  const app = createApp(buildApiDeps(container, { jwtSecret: SECRET }));
  const http = await startHttpServer(app.fetch, { port: 0, hostname: '127.0.0.1' });
  const workers = options.workers ? await container.startWorkers() : undefined;

  const token = (tenantId: string, role: Principal['role'] = 'user', userId = 'user-1') =>
    mintToken(SECRET, { tenantId, userId, role });

  return {
    url: http.url,
    /** The listening Node HTTP server (to attach the realtime WebSocket). */
    server: http.server,
    /** Where this instance keeps its files (DATA_DIR). */
    dataDir,
    app,
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
      await http.close();
      await container.close();
      await rm(dataDir, { recursive: true, force: true });
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
 * Resolves once every listed job is terminal: by its event, or by its record for a
 * job that finished before the subscription began.
 */
export function awaitJobsSettled(
  parts: { events: EventBus; store: { jobs: JobStore } },
  tenantId: string,
  jobIds: readonly string[],
): Promise<Map<string, JobStatus>> {
  const done = new Map<string, JobStatus>();
  return new Promise((resolve, reject) => {
    const settle = (jobId: string, status: JobStatus) => {
      if (!jobIds.includes(jobId) || !TERMINAL_STATUSES.has(status)) return;
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
