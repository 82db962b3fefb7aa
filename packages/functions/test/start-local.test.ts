import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalProcess, startLocal } from '../src/local/start-local';
import { awaitJobsSettled, SAMPLE_FILES, uploadForm } from './support/api-harness';

describe('npm start (embedded, one process)', () => {
  let local: LocalProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'paperlane-local-'));
    local = await startLocal({
      env: { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error' },
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await local?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs with no configuration: embedded store, queue and files, all healthy', async () => {
    expect(local.config.embed).toEqual({ dynamodb: true, sqs: true, files: true });
    const health = await fetch(`${local.url}/healthz`);
    expect(await health.json()).toEqual({
      status: 'ok',
      checks: { store: 'ok', queue: 'ok', files: 'ok' },
    });
  });

  it('answers an upload at once, then its jobs run in the same process', async () => {
    const token = await local.token('acme');
    const response = await fetch(`${local.url}/api/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: uploadForm([{ name: 'invoice.pdf', blob: SAMPLE_FILES.pdf() }]),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { session_id: string; jobs: Array<{ job_id: string }> };
    const statuses = await awaitJobsSettled(
      local.container,
      'acme',
      body.jobs.map((j) => j.job_id),
    );
    expect([...statuses.values()].every((s) => s === 'complete')).toBe(true);
    const session = await fetch(`${local.url}/api/upload-sessions/${body.session_id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await session.json()).toMatchObject({ total_jobs: body.jobs.length, completed: body.jobs.length });
  });
});
