/**
 * Chaos (d, f on SQS): `npm start`'s supervised processes in embedded mode. The
 * emulators child (dynalite + the fauxqs SQS emulator, which keeps its queues in
 * memory) is SIGKILLed mid-batch and restarted empty by the supervisor; and the same
 * job's message is sent several times through SQS. Every outcome is delivered once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '@paperlane/adapters';
import { createSqsTransport, resolveSqsQueueUrls, toMessage } from '@paperlane/runtime';
import { createDocumentClient, createStore } from '@paperlane/store';
import { freePort } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Supervisor, startSupervisor } from '../../src/supervisor/supervisor';
import { recordingLogger, supervisedEnv } from '../support/supervised';
import { type EffectCounter, startEffectCounter } from './support/receiver';
import { FAST } from './support/stack';
import { CLEAN, disruptedBatch, settleAndCount } from './support/tally';
import { type TenantClient, tenantClient } from './support/tenant';

const TENANT = 'chaos';
let dir: string;
let counter: EffectCounter;
let supervisor: Supervisor;
let tenant: TenantClient;
let webhookId: string;
const ports = { dynamodb: 0, sqs: 0 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperlane-chaos-supervised-'));
  counter = await startEffectCounter();
  ports.dynamodb = await freePort();
  ports.sqs = await freePort();
  supervisor = await startSupervisor({
    env: supervisedEnv(dir, {
      JWT_SECRET: 'chaos-suite-secret-that-is-long-enough-for-hs256',
      WEBHOOK_ALLOWED_HOSTS: counter.host,
      ...FAST,
      SUPERVISOR_DYNAMODB_PORT: String(ports.dynamodb),
      SUPERVISOR_SQS_PORT: String(ports.sqs),
    }),
    output: 'ignore',
    // The supervisor's lines (the SIGKILLed child, its restart) are the case's expected noise.
    logger: recordingLogger().logger,
  });
  tenant = await tenantClient(supervisor.url, await supervisor.token(TENANT));
  webhookId = await tenant.subscribe(counter);
}, 120_000);
afterAll(async () => {
  await supervisor?.close();
  await counter?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const observed = () => ({
  call: tenant.call,
  upload: tenant.upload,
  counter,
  webhookId,
  logs: () => JSON.stringify(supervisor.processes()),
});

describe('chaos: the supervised embedded stack', () => {
  it('emulators child SIGKILLed mid-batch: restarted empty, pending jobs re-sent, every outcome once', async () => {
    const counts = await disruptedBatch(observed(), {
      label: 'emulator-restart',
      files: 8,
      afterEffects: 3,
      withinMs: 60_000,
      async disrupt() {
        const before = supervisor.processes().find((p) => p.role === 'emulators')?.restarts ?? 0;
        process.kill(supervisor.pid('emulators') ?? 0, 'SIGKILL');
        await supervisor.waitFor((ps) =>
          ps.some((p) => p.role === 'emulators' && p.state === 'up' && p.restarts === before + 1),
        );
      },
    });
    expect(counts).toMatchObject({ submitted: 16, completed: 16, failed: 0, ...CLEAN });
  }, 150_000);

  it('the same messages sent three more times through SQS: each job runs once, one outcome each', async () => {
    const jobIds = await tenant.upload(3);
    // Copies while the originals are queued or running, through the real SQS transport.
    const region = 'us-east-1';
    const documentClient = createDocumentClient({ endpoint: `http://127.0.0.1:${ports.dynamodb}`, region });
    const store = createStore({ documentClient, tableName: 'paperlane' });
    const sqs = new SQSClient(awsClientConfig({ endpoint: `http://127.0.0.1:${ports.sqs}`, region }));
    try {
      const transport = createSqsTransport({
        client: sqs,
        urls: await resolveSqsQueueUrls(sqs, 'paperlane-'),
      });
      const jobs = await store.jobs.getMany(TENANT, jobIds);
      expect(jobs).toHaveLength(jobIds.length);
      const copies = jobs.map((job) => toMessage(job, new Date()));
      for (let i = 0; i < 3; i++) expect(await transport.send(copies)).toEqual([]);
      const counts = await settleAndCount(observed(), 'duplicate-messages sqs', jobIds, 60_000);
      expect(counts).toMatchObject({ submitted: 6, completed: 6, failed: 0, ...CLEAN });
      // Ran once: the first claim was the only one.
      const after = await store.jobs.getMany(TENANT, jobIds);
      expect(after.map((j) => j.attempts)).toEqual(jobIds.map(() => 1));
    } finally {
      sqs.destroy();
      documentClient.destroy();
    }
  }, 120_000);
});
