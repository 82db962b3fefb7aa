import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startRedis } from '@paperlane/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessStatus } from '../src/supervisor/messages';
import { type Supervisor, startSupervisor } from '../src/supervisor/supervisor';
import { alive, poll, recordingLogger, supervisedEnv, uploadAndFollow } from './support/supervised';

const role = (processes: ProcessStatus[], name: ProcessStatus['role']) =>
  processes.find((p) => p.role === name);

/**
 * After one upload through `npm start`, the API's `/metrics` (the consumer children's
 * registries relayed over IPC) counts per queue and outcome what the job records say.
 * Run it before any other upload in that supervisor. Resolves with the jobs' terminal events.
 */
async function expectMetricsMatchRecords(supervisor: Supervisor) {
  const token = await supervisor.token('acme');
  const operator = await supervisor.token('ops', { role: 'operator' });
  const { jobs, terminal } = await uploadAndFollow(supervisor.url, token);
  const watched = ['invoice-processing', 'thumbnail'];
  const records = await Promise.all(
    jobs
      .filter((j) => watched.includes(j.queue))
      .map(async (j) => {
        const response = await fetch(`${supervisor.url}/api/jobs/${j.job_id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return (await response.json()) as { queue: string; status: string };
      }),
  );
  const expected = watched.map((queue) => ({
    queue,
    completed: records.filter((r) => r.queue === queue && r.status === 'complete').length,
    failed: records.filter((r) => r.queue === queue && r.status === 'failed').length,
  }));
  expect(expected.every((e) => e.completed + e.failed === 1)).toBe(true);
  const count = (text: string, queue: string, outcome: string) =>
    Number(
      new RegExp(
        `^paperlane_job_duration_seconds_count\\{queue="${queue}",outcome="${outcome}"\\} (\\d+)$`,
        'm',
      ).exec(text)?.[1] ?? 0,
    );
  // The consumer children push their registries at most once a second: poll until they arrived.
  const seen = await poll(async () => {
    const response = await fetch(`${supervisor.url}/metrics`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    const text = await response.text();
    const counted = watched.map((queue) => ({
      queue,
      completed: count(text, queue, 'completed'),
      failed: count(text, queue, 'failed'),
    }));
    return JSON.stringify(counted) === JSON.stringify(expected) ? counted : undefined;
  });
  expect(seen).toEqual(expected);
  return terminal;
}

describe('npm start: a supervisor over separate processes', () => {
  let dataDir: string;
  let supervisor: Supervisor;
  const log = recordingLogger();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'paperlane-supervisor-'));
    supervisor = await startSupervisor({ env: supervisedEnv(dataDir), logger: log.logger });
  }, 90_000);
  afterAll(async () => {
    await supervisor?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs each role in its own process and reports every child in /healthz', async () => {
    const processes = supervisor.processes();
    expect(processes.map((p) => [p.role, p.state])).toEqual([
      ['emulators', 'up'],
      ['api', 'up'],
      ['documents', 'up'],
      ['integrations', 'up'],
    ]);
    const pids = processes.map((p) => p.pid);
    expect(new Set([...pids, process.pid]).size).toBe(5);
    const health = await fetch(`${supervisor.url}/healthz`);
    expect(await health.json()).toEqual({
      status: 'ok',
      checks: {
        store: 'ok',
        queue: 'ok',
        files: 'ok',
        'process:emulators': 'ok',
        'process:api': 'ok',
        'process:documents': 'ok',
        'process:integrations': 'ok',
      },
    });
    const view = await (await fetch(`${supervisor.url}/healthz/processes`)).json();
    expect(view).toEqual({ supervisor: { pid: process.pid }, processes });
    // Only the document consumers run under a heap cap.
    const flags = (name: ProcessStatus['role']) =>
      readFileSync(`/proc/${supervisor.pid(name)}/cmdline`, 'utf8').split('\0');
    expect(flags('documents')).toContain('--max-old-space-size=2048');
    expect(flags('api').some((f) => f.startsWith('--max-old-space-size'))).toBe(false);
  });

  it('/metrics on the API counts the jobs the consumer children ran, relayed over IPC, as the records say', async () => {
    await expectMetricsMatchRecords(supervisor);
  }, 90_000);

  it('a SIGKILLed documents child is restarted while the API keeps answering; a later upload completes and its events reach a WebSocket on the API', async () => {
    const token = await supervisor.token('acme');
    const before = supervisor.pid('documents') ?? 0;
    const down = supervisor.waitFor((ps) => role(ps, 'documents')?.state === 'restarting');
    process.kill(before, 'SIGKILL');
    await down;
    expect(await log.waitFor((e) => e.message === 'process exited' && e.role === 'documents')).toMatchObject({
      level: 'error',
      signal: 'SIGKILL',
      code: null,
      pid: before,
    });

    // Meanwhile the API answers: health (with the store fine) and an authenticated read.
    const health = await fetch(`${supervisor.url}/healthz`);
    expect([200, 503]).toContain(health.status);
    expect(((await health.json()) as { checks: Record<string, string> }).checks.store).toBe('ok');
    const read = await fetch(`${supervisor.url}/api/jobs/batch?ids=job_missing`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(200);

    const restarted = await supervisor.waitFor((ps) => role(ps, 'documents')?.state === 'up');
    const documents = role(restarted, 'documents');
    expect(documents).toMatchObject({ restarts: 1, lastExit: { signal: 'SIGKILL' } });
    expect(documents?.pid).not.toBe(before);
    expect(alive(before)).toBe(false);
    // The API learns it from the supervisor's push.
    const seen = await poll(async () => {
      const view = (await (await fetch(`${supervisor.url}/healthz/processes`)).json()) as {
        processes: ProcessStatus[];
      };
      const reported = role(view.processes, 'documents');
      return reported?.state === 'up' && reported.restarts === 1 ? reported : undefined;
    });
    expect(seen.pid).toBe(documents?.pid);

    // Consumed by the new documents child; job:* events travel child → supervisor → API → socket.
    const { terminal } = await uploadAndFollow(supervisor.url, token);
    expect(terminal.map((e) => [e.queue, e.type]).sort()).toEqual([
      ['invoice-processing', 'job:complete'],
      ['thumbnail', 'job:complete'],
    ]);
  }, 90_000);

  it('survives an emulator restart: the queues are provisioned again, pending jobs re-sent, consumers resume', async () => {
    const token = await supervisor.token('acme');
    const before = supervisor.pid('emulators') ?? 0;
    const recovered = log.entries.filter((e) => e.message === 'pending jobs re-sent').length;
    process.kill(before, 'SIGKILL');
    await supervisor.waitFor(
      (ps) => role(ps, 'emulators')?.restarts === 1 && role(ps, 'emulators')?.state === 'up',
    );
    // The sweeper's child re-sent what the emulator lost (its queues start empty).
    await log.waitFor(
      () => log.entries.filter((e) => e.message === 'pending jobs re-sent').length > recovered,
    );
    const { terminal } = await uploadAndFollow(supervisor.url, token);
    expect(terminal.map((e) => e.type)).toEqual(['job:complete', 'job:complete']);
    // No consumer crash-looped over the outage.
    expect(supervisor.processes().map((p) => [p.role, p.restarts])).toEqual([
      ['emulators', 1],
      ['api', 0],
      ['documents', 1],
      ['integrations', 0],
    ]);
  }, 90_000);
});

describe('npm start with REDIS_URL', () => {
  it('runs no SQS emulator, consumes through BullMQ in the consumer children, and relays events over Redis', async () => {
    const redis = await startRedis();
    const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-supervisor-redis-'));
    const supervisor = await startSupervisor({
      env: supervisedEnv(dataDir, { REDIS_URL: redis.url }),
      logger: recordingLogger().logger,
    });
    try {
      expect(supervisor.config.embed).toEqual({ dynamodb: true, sqs: false, files: true });
      expect(supervisor.processes().map((p) => p.role)).toEqual([
        'emulators',
        'api',
        'documents',
        'integrations',
      ]);
      // BullMQ workers in the children: their counts reach the API's /metrics too.
      const terminal = await expectMetricsMatchRecords(supervisor);
      expect(terminal.map((e) => e.type)).toEqual(['job:complete', 'job:complete']);
    } finally {
      await supervisor.close();
      await redis.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('npm start as a process (signals)', () => {
  const DEV = fileURLToPath(new URL('../src/bin/dev.ts', import.meta.url));
  const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

  const dataDirs: string[] = [];
  afterEach(async () => {
    for (const dir of dataDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function startDev() {
    const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-dev-'));
    dataDirs.push(dataDir);
    const child = spawn(process.execPath, ['--import', TSX, DEV], {
      env: supervisedEnv(dataDir, { SUPERVISOR_SHUTDOWN_TIMEOUT_MS: '10000', LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /Paperlane is running at (\S+)/.exec(output);
        if (found?.[1]) resolve(found[1]);
      });
      child.once('exit', (code) =>
        reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`)),
      );
    });
    const view = (await (await fetch(`${url}/healthz/processes`)).json()) as { processes: ProcessStatus[] };
    const pids = view.processes.map((p) => p.pid ?? 0);
    expect(pids.every((pid) => pid > 0 && alive(pid))).toBe(true);
    const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, pids, exit, output: () => output };
  }

  it('SIGTERM stops every child gracefully, then exits 0', async () => {
    const dev = await startDev();
    dev.child.kill('SIGTERM');
    expect(await dev.exit).toEqual({ code: 0, signal: null });
    expect(dev.pids.filter(alive)).toEqual([]);
    expect(dev.output()).toContain('"message":"all processes stopped"');
    expect(dev.output()).not.toContain('shutdown time limit reached');
  }, 90_000);

  it('a SIGKILLed supervisor leaves no orphan: children exit when their IPC channel closes', async () => {
    const dev = await startDev();
    dev.child.kill('SIGKILL');
    await dev.exit;
    await poll(() => (dev.pids.some(alive) ? undefined : true), 20_000);
    expect(dev.pids.filter(alive)).toEqual([]);
  }, 90_000);
});
