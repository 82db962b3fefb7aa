import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '@paperlane/adapters';
import type { UploadResponse } from '@paperlane/api';
import type { QueueName } from '@paperlane/core';
import { type RedisServer, startRedis } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

interface JobView {
  job_id: string;
  queue: QueueName;
  priority: string;
  run_at: string;
  available_at: string;
}

const HOUR_MS = 3600_000;

function uploadWith(api: ApiHarness, tenantId: string, fields: Record<string, string>) {
  const form = uploadForm([{ name: 'invoice.pdf', blob: SAMPLE_FILES.pdf() }], fields);
  return api.call(tenantId, '/api/upload', { method: 'POST', body: form });
}

const postJson = (api: ApiHarness, tenantId: string, path: string, body: unknown) =>
  api.call(tenantId, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Where the transport put a job: its BullMQ entry's options, or the SQS lane holding it delayed. */
interface TransportView {
  /** BullMQ: the entry's priority and delay; SQS: which lane counts one more delayed message. */
  placed(job: JobView): Promise<{ lane: 'high' | 'low'; delayed: boolean }>;
  close(): Promise<void>;
}

function bullmqView(api: ApiHarness): TransportView {
  return {
    async placed(job) {
      const queue = api.container.bullmqQueues()?.find((q) => q.name === job.queue);
      const entry = await queue?.getJob(job.job_id);
      if (!entry) throw new Error(`no BullMQ entry for ${job.job_id}`);
      return { lane: (entry.opts.priority ?? 0) > 0 ? 'low' : 'high', delayed: (entry.opts.delay ?? 0) > 0 };
    },
    close: async () => {},
  };
}

/** SQS lanes are separate queues; a delayed message shows in its lane's delayed count. */
function sqsView(api: ApiHarness): TransportView {
  const { sqsUrls, endpoints } = api.container;
  const sqs = new SQSClient(
    awsClientConfig({
      ...(endpoints.sqs ? { endpoint: endpoints.sqs } : {}),
      region: api.container.config.env.AWS_REGION,
    }),
  );
  const counts = async (queue: QueueName) => {
    const urls = sqsUrls?.[queue];
    if (!urls) throw new Error(`no SQS lanes for ${queue}`);
    const read = async (url: string) => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      return {
        visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
        delayed: Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0),
      };
    };
    return { high: await read(urls.high), low: await read(urls.low) };
  };
  // Each test in this file sends one job per queue at a time, so the lane that grew is the one used.
  const seen = new Map<QueueName, Awaited<ReturnType<typeof counts>>>();
  return {
    async placed(job) {
      const before = seen.get(job.queue) ?? {
        high: { visible: 0, delayed: 0 },
        low: { visible: 0, delayed: 0 },
      };
      const now = await counts(job.queue);
      seen.set(job.queue, now);
      for (const lane of ['high', 'low'] as const) {
        if (now[lane].delayed > before[lane].delayed) return { lane, delayed: true };
        if (now[lane].visible > before[lane].visible) return { lane, delayed: false };
      }
      throw new Error(`no new message for ${job.job_id} in either lane`);
    },
    close: async () => sqs.destroy(),
  };
}

const runtimes = [
  { name: 'SQS lanes (embedded fauxqs)', redis: false },
  { name: 'BullMQ (redis-server)', redis: true },
] as const;

describe.each(runtimes)('priority and timing on $name', ({ redis: useRedis }) => {
  let redis: RedisServer | undefined;
  let api: ApiHarness;
  let transport: TransportView;
  beforeAll(async () => {
    redis = useRedis ? await startRedis() : undefined;
    api = await startApi({ env: redis ? { REDIS_URL: redis.url } : {} });
    expect(api.container.config.transport).toBe(useRedis ? 'bullmq' : 'sqs');
    transport = useRedis ? bullmqView(api) : sqsView(api);
  });
  afterAll(async () => {
    await transport?.close();
    await api?.close();
    await redis?.stop();
  });

  it('an upload with priority low and a delay rides the batch lane, delayed, and shows both on its jobs', async () => {
    const before = Date.now();
    const response = await uploadWith(api, 'acme', { priority: 'low', delay_seconds: '3600' });
    expect(response.status).toBe(202);
    const body = (await response.json()) as UploadResponse & { jobs: JobView[] };
    expect(body.jobs).toHaveLength(2);
    for (const job of body.jobs) {
      expect(job.priority).toBe('low');
      expect(Date.parse(job.run_at) - before).toBeGreaterThanOrEqual(HOUR_MS);
      expect(Date.parse(job.run_at) - Date.now()).toBeLessThanOrEqual(HOUR_MS);
      expect(await transport.placed(job)).toEqual({ lane: 'low', delayed: true });
      const record = await api.container.store.jobs.get({ tenantId: 'acme', jobId: job.job_id });
      expect(record).toMatchObject({ priority: 'low', availableAt: job.run_at });
    }
  });

  it('a presigned completion with run_at keeps that instant; high priority stays on the user lane', async () => {
    const pdf = new Uint8Array(await SAMPLE_FILES.pdf().arrayBuffer());
    const asked = await postJson(api, 'acme', '/api/uploads', {
      files: [{ file_name: 'big.pdf', size_bytes: pdf.byteLength }],
    });
    const targets = (await asked.json()) as {
      session_id: string;
      uploads: Array<{ upload_id: string; url: string }>;
    };
    const [target] = targets.uploads;
    expect((await api.call('acme', target?.url ?? '', { method: 'PUT', body: pdf })).status).toBe(204);
    const runAt = new Date(Date.now() + 2 * HOUR_MS).toISOString();
    const completed = await postJson(api, 'acme', `/api/uploads/${targets.session_id}/complete`, {
      uploads: [{ upload_id: target?.upload_id, file_name: 'big.pdf' }],
      priority: 'high',
      run_at: runAt,
    });
    expect(completed.status).toBe(202);
    const { jobs } = (await completed.json()) as { jobs: JobView[] };
    for (const job of jobs) {
      expect(job).toMatchObject({ priority: 'high', run_at: runAt });
      expect(await transport.placed(job)).toEqual({ lane: 'high', delayed: true });
    }
  });

  it('reprocess queues a forced invoice-processing job with the timing asked for; busy and foreign documents are refused', async () => {
    const uploaded = (await (await uploadWith(api, 'acme', {})).json()) as UploadResponse & {
      jobs: JobView[];
    };
    for (const job of uploaded.jobs) await transport.placed(job);
    const documentId = uploaded.documents[0]?.document_id ?? '';
    const path = `/api/documents/${documentId}/reprocess`;
    // Its first OCR job has not run: a second reader of the same invoice would race it.
    const busy = await postJson(api, 'acme', path, {});
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ error: { code: 'document_busy' } });

    const { items } = await api.container.store.invoices.listByDocument('acme', documentId);
    for (const invoice of items) {
      await api.container.store.invoices.update({
        tenantId: 'acme',
        invoiceId: invoice.invoiceId,
        status: 'processed',
        now: new Date(),
      });
    }
    const accepted = await postJson(api, 'acme', path, { priority: 'low', delay_seconds: 60 });
    expect(accepted.status).toBe(202);
    const { jobs } = (await accepted.json()) as { document_id: string; jobs: JobView[] };
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    if (!job) throw new Error('no job');
    expect(job).toMatchObject({ queue: 'invoice-processing', priority: 'low' });
    expect(await transport.placed(job)).toEqual({ lane: 'low', delayed: true });
    const record = await api.container.store.jobs.get({ tenantId: 'acme', jobId: job.job_id });
    expect(record?.payload).toEqual({ tenantId: 'acme', invoiceId: items[0]?.invoiceId, reprocess: true });

    const foreign = await postJson(api, 'globex', path, {});
    expect(foreign.status).toBe(404);
    // Without a body it runs now on the user lane.
    const plain = await api.call('acme', path, { method: 'POST' });
    expect(plain.status).toBe(202);
    const [now] = ((await plain.json()) as { jobs: JobView[] }).jobs;
    expect(now?.priority).toBe('high');
    if (now) expect(await transport.placed(now)).toEqual({ lane: 'high', delayed: false });
  });
});

describe('priority and timing: hostile values', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses unknown priorities, run_at in the past or years ahead, oversized or malformed delays', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ priority: 'urgent' }, 'invalid_schedule'],
      [{ priority: 'HIGH' }, 'invalid_schedule'],
      [{ run_at: new Date(Date.now() - HOUR_MS).toISOString() }, 'run_at_in_past'],
      [{ run_at: '2031-01-01T00:00:00Z' }, 'run_at_too_far'],
      [{ run_at: 'tomorrow' }, 'invalid_schedule'],
      [{ delay_seconds: String(7 * 24 * 3600 + 1) }, 'invalid_schedule'],
      [{ delay_seconds: '1e3' }, 'invalid_schedule'],
      [{ delay_seconds: '-5' }, 'invalid_schedule'],
      [{ delay_seconds: '10', run_at: new Date(Date.now() + HOUR_MS).toISOString() }, 'conflicting_schedule'],
    ];
    for (const [fields, code] of cases) {
      const response = await uploadWith(api, 'acme', fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code } });
    }
    const twice = uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }], { priority: 'low' });
    twice.append('priority', 'high');
    const repeated = await api.call('acme', '/api/upload', { method: 'POST', body: twice });
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toMatchObject({ error: { code: 'invalid_schedule' } });

    const json = await postJson(api, 'acme', '/api/documents/doc_missing/reprocess', { priority: 'urgent' });
    expect(json.status).toBe(400);
    const extra = await postJson(api, 'acme', '/api/documents/doc_missing/reprocess', { tenant_id: 'x' });
    expect(extra.status).toBe(400);
  });

  it('a run_at a little in the past (clock skew) runs now', async () => {
    const response = await uploadWith(api, 'acme', { run_at: new Date(Date.now() - 60_000).toISOString() });
    expect(response.status).toBe(202);
    const { jobs } = (await response.json()) as { jobs: JobView[] };
    for (const job of jobs) {
      expect(Date.parse(job.run_at)).toBeGreaterThan(Date.now() - 60_000);
      expect(job.priority).toBe('high');
    }
  });
});
