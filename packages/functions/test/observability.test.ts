import type { UploadResponse } from '@paperlane/api';
import {
  type JobHandlers,
  type JobRecord,
  type LogFields,
  type Logger,
  PermanentError,
  parseTraceparent,
} from '@paperlane/core';
import { type RedisServer, startRedis } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderHandlers } from '../src/placeholder-handlers';
import { type ApiHarness, awaitJobsSettled, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

/**
 * The done-means of metrics and traces, on both runtimes (the SQS emulator and BullMQ on
 * a real redis-server): after a batch, `/metrics` counts per queue and outcome exactly
 * what the job records say, and the caller's `traceparent` reaches every job record and
 * every log line of those jobs. Thumbnails fail for good, the rest complete.
 */
const handlers: JobHandlers = {
  ...placeholderHandlers,
  thumbnail: async () => {
    throw new PermanentError('the renderer refused this file', { code: 'render_refused' });
  },
};

/** Every line logged through it or its children, with the bound fields merged in. */
function capturingLogger(lines: LogFields[], bound: LogFields = {}): Logger {
  const log = (level: string) => (message: string, fields?: LogFields) =>
    void lines.push({ level, message, ...bound, ...fields });
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => capturingLogger(lines, { ...bound, ...fields }),
  };
}

/** `name{labels} value` lines of one metric, as a map from the label text to the value. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (match?.[1] !== undefined) found.set(match[1], Number(match[2]));
  }
  return found;
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

function observabilitySuite(driver: string, env: () => Record<string, string>) {
  describe(`metrics and traces after a batch (${driver})`, () => {
    let api: ApiHarness;
    const lines: LogFields[] = [];
    let jobs: JobRecord[] = [];

    beforeAll(async () => {
      api = await startApi({ env: env(), handlers, workers: true, logger: capturingLogger(lines) });
      const response = await api.call('acme', '/api/upload', {
        method: 'POST',
        headers: { traceparent: TRACEPARENT },
        body: uploadForm([
          { name: 'a.pdf', blob: SAMPLE_FILES.pdf() },
          { name: 'b.png', blob: SAMPLE_FILES.png() },
          { name: 'c.pdf', blob: SAMPLE_FILES.pdf() },
        ]),
      });
      expect(response.status).toBe(202);
      const ids = ((await response.json()) as UploadResponse).jobs.map((j) => j.job_id);
      await awaitJobsSettled(api.container, 'acme', ids);
      jobs = await Promise.all(
        ids.map(async (jobId) => {
          const job = await api.container.store.jobs.get({ tenantId: 'acme', jobId });
          if (!job) throw new Error(`no record for ${jobId}`);
          return job;
        }),
      );
    });
    afterAll(async () => {
      await api?.close();
    });

    it('/metrics counts per queue and outcome what the job records say', async () => {
      const response = await fetch(`${api.url}/metrics`, {
        headers: { authorization: `Bearer ${await api.token('ops', 'operator')}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const counts = samples(await response.text(), 'paperlane_job_duration_seconds_count');
      const expected = new Map<string, number>();
      for (const job of jobs) {
        const outcome = job.status === 'complete' ? 'completed' : job.status;
        const key = `queue="${job.queue}",outcome="${outcome}"`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      // Both outcomes occurred, so the comparison is not vacuous.
      expect([...expected.keys()].some((k) => k.endsWith('outcome="failed"'))).toBe(true);
      expect([...expected.keys()].some((k) => k.endsWith('outcome="completed"'))).toBe(true);
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(expected));
    });

    it("carries the caller's traceparent into every job record and every log line of its jobs", () => {
      for (const job of jobs) expect(parseTraceparent(job.traceId)?.traceId).toBe(TRACE_ID);
      const jobIds = new Set(jobs.map((j) => j.jobId));
      const jobLines = lines.filter((line) => jobIds.has(String(line.jobId)));
      // The thumbnails' failures are logged by the processor with the job's fields.
      expect(jobLines.length).toBeGreaterThanOrEqual(jobs.filter((j) => j.status === 'failed').length);
      for (const line of jobLines) expect(line.traceId).toBe(TRACE_ID);
      const request = lines.find((line) => line.message === 'request' && line.path === '/api/upload');
      expect(request?.traceId).toBe(TRACE_ID);
    });
  });
}

observabilitySuite('embedded SQS', () => ({}));

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
observabilitySuite('BullMQ on redis-server', () => ({ REDIS_URL: redis.url }));
