import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mintToken } from '@paperlane/api';
import {
  type DynaliteServer,
  type RedisServer,
  type StartedProcess,
  startDynalite,
  startProcess,
  startRedis,
} from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_FILES, uploadForm } from './support/api-harness';
import { supervisedEnv } from './support/supervised';

/**
 * Idempotency-Key across two operating-system processes of `npm run api`, sharing only
 * what a deployment shares (the table, redis, the files directory). The in-process
 * variants (idempotency.test.ts) share a module graph; here nothing but the services
 * can carry the claim from one process to the other.
 */
const JWT_SECRET = 'idempotency-processes-test-secret-0123456789';
let dynamo: DynaliteServer;
let redis: RedisServer;
let dataDir: string;
const apis: { process: StartedProcess; url: string }[] = [];

async function startApiProcess(): Promise<{ process: StartedProcess; url: string }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const entry = fileURLToPath(new URL('../src/bin/api.ts', import.meta.url));
  const started = await startProcess(process.execPath, ['--import', tsx, entry], {
    ready: /paperlane api: serving http:\/\/\S+/,
    timeoutMs: 90_000,
    env: supervisedEnv(dataDir, {
      JWT_SECRET,
      SECRET_KEY: 'a1'.repeat(32),
      REDIS_URL: redis.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    }),
  });
  const url = /paperlane api: serving (http:\/\/\S+)/.exec(started.output())?.[1];
  if (!url) throw new Error(`no URL in the API's output:\n${started.output()}`);
  return { process: started, url };
}

beforeAll(async () => {
  [dynamo, redis] = await Promise.all([startDynalite(), startRedis()]);
  dataDir = await mkdtemp(join(tmpdir(), 'paperlane-idem-procs-'));
  // One after the other: the first creates the table, the second finds it.
  apis.push(await startApiProcess());
  apis.push(await startApiProcess());
}, 200_000);

afterAll(async () => {
  await Promise.all(apis.map((api) => api.process.stop()));
  await Promise.all([dynamo?.stop(), redis?.stop()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function upload(url: string, tenantId: string, key: string): Promise<Response> {
  const token = await mintToken(JWT_SECRET, { tenantId, userId: 'dev', role: 'user' }, { expiresIn: '1h' });
  return fetch(`${url}/api/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: uploadForm([{ name: 'invoice.pdf', blob: SAMPLE_FILES.pdf() }]),
  });
}

describe('Idempotency-Key across two API processes (separate OS processes, BullMQ)', () => {
  it('eight racing requests, alternating between the processes, make one session; every answer is that session', async () => {
    const key = `race-${randomUUID()}`;
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => upload(apis[i % 2]!.url, 'acme', key)),
    );
    const bodies = await Promise.all(
      responses.map(async (r) => ({ status: r.status, body: await r.json() })),
    );
    // A request that arrives while the first is still running is told so (409) rather than run twice.
    const accepted = bodies.filter((r) => r.status === 202 || r.status === 200 || r.status === 201);
    for (const other of bodies.filter((r) => !accepted.includes(r))) {
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('idempotency_request_in_progress');
    }
    expect(accepted.length).toBeGreaterThan(0);
    const sessions = new Set(accepted.map((r) => r.body.session_id));
    expect(sessions.size).toBe(1);

    // Once settled, both processes replay the same answer.
    const [fromA, fromB] = await Promise.all([
      upload(apis[0]!.url, 'acme', key),
      upload(apis[1]!.url, 'acme', key),
    ]);
    const [a, b] = [await fromA.json(), await fromB.json()];
    expect(a.session_id).toBe([...sessions][0]);
    expect(b.session_id).toBe(a.session_id);
    expect(fromA.headers.get('idempotent-replayed')).toBe('true');
    expect(fromB.headers.get('idempotent-replayed')).toBe('true');

    // And the tenant has exactly one session: no hidden second effect behind a replayed answer.
    const token = await mintToken(
      JWT_SECRET,
      { tenantId: 'acme', userId: 'dev', role: 'user' },
      { expiresIn: '1h' },
    );
    const listed = await (
      await fetch(`${apis[1]!.url}/api/upload-sessions?limit=100`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json();
    expect(listed.items.map((s: { session_id: string }) => s.session_id)).toEqual([a.session_id]);
  }, 120_000);

  it('the same key from another tenant, through the other process, is a separate effect', async () => {
    const key = `shared-${randomUUID()}`;
    const first = await (await upload(apis[0]!.url, 'acme', key)).json();
    const other = await upload(apis[1]!.url, 'globex', key);
    const body = await other.json();
    expect(other.headers.get('idempotent-replayed')).not.toBe('true');
    expect(body.session_id).toBeTruthy();
    expect(body.session_id).not.toBe(first.session_id);
  }, 60_000);
});
