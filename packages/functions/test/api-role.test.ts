import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { silentLogger } from '@paperlane/core';
import { startDynalite, startFauxqs } from '@paperlane/testing';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config';
import { startApiRole } from '../src/roles/api';
import { supervisedEnv } from './support/supervised';

describe('npm run api: the API role alone', () => {
  it('refuses private in-process stand-ins (nobody else could see them) unless told otherwise', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-api-role-'));
    try {
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
      const entry = fileURLToPath(new URL('../src/bin/api.ts', import.meta.url));
      const run = spawnSync(process.execPath, ['--import', tsx, entry], {
        env: supervisedEnv(dataDir),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('paperlane api: separate processes need a shared store and queue');
      expect(run.stderr).toContain('--allow-embedded');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('serves HTTP against shared services, with no process checks outside the supervisor', async () => {
    const [dynamo, faux] = await Promise.all([startDynalite(), startFauxqs()]);
    const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-api-role-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: faux.endpoint,
    });
    const api = await startApiRole({ config, logger: silentLogger });
    try {
      expect(config.embedded).toBe(false);
      const health = await fetch(`${api.url}/healthz`);
      expect(await health.json()).toEqual({
        status: 'ok',
        checks: { store: 'ok', queue: 'ok', files: 'ok' },
      });
      const read = await fetch(`${api.url}/api/jobs/batch?ids=job_x`, {
        headers: { authorization: `Bearer ${await api.token('acme')}` },
      });
      expect(read.status).toBe(200);
      expect((await fetch(`${api.url}/healthz/processes`)).status).toBe(404);
    } finally {
      await api.close();
      await Promise.all([dynamo.stop(), faux.stop()]);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
