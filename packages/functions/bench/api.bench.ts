/**
 * npm run bench:api — the upload route (an enqueuing route: multipart, blob, session,
 * document + invoice records, two jobs) through a real server with autocannon,
 * beside (a) the same ingest work called in a loop without HTTP, (b) the bare
 * enqueue primitive (job record put + queue send), and (c) a hello-world Hono route
 * on the same Node server. Rounds alternate so every side sees the same machine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, systemClock } from '@paperlane/core';
import { ingestDocuments } from '@paperlane/jobs';
import { startDynaliteProcess } from '@paperlane/testing';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { startLocal } from '../src/local/start-local';
import { startHttpServer } from '../src/server/node-server';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function cannon(options: autocannon.Options): Promise<number> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${options.url}: ${bad} failed requests (non-2xx ${result.non2xx})`);
  return result.requests.average;
}

/** `CONNECTIONS` loops doing `work` back to back for the same duration; ops/s. */
async function loop(work: (i: number) => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + DURATION_S * 1000;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, worker) => {
      while (performance.now() < deadline) {
        await work(worker * 1_000_000 + done);
        done++;
      }
    }),
  );
  return (done / (performance.now() - start)) * 1000;
}

const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-bench-api-'));
// dynalite in its own process, as DynamoDB would be: the emulator must not share the API's event loop.
const dynamo = await startDynaliteProcess();
const local = await startLocal({
  env: {
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'error',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    RATE_LIMIT_PER_MINUTE: '100000000',
  },
  queues: [],
  sweeper: false,
  logger: silentLogger,
});
const hello = await startHttpServer(new Hono().get('/hello', (c) => c.json({ hello: 'world' })).fetch, {
  port: 0,
  hostname: '127.0.0.1',
});

const boundary = 'paperlanebenchboundary';
const multipart = Buffer.concat([
  Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="invoice.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  ),
  PDF,
  Buffer.from(`\r\n--${boundary}--\r\n`),
]);
const token = await local.token('bench');
const { container } = local;
const ingestDeps = {
  store: container.store,
  blobs: container.blobs,
  queue: container.dispatcher,
  clock: systemClock,
  sniff: container.sniff,
  limits: local.config.upload,
};

const results = {
  route: [] as number[],
  ingest: [] as number[],
  enqueue: [] as number[],
  hello: [] as number[],
};
for (let round = 1; round <= ROUNDS; round++) {
  results.route.push(
    await cannon({
      url: `${local.url}/api/upload`,
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: multipart,
    }),
  );
  results.ingest.push(
    await loop(() =>
      ingestDocuments(ingestDeps, {
        tenantId: 'bench',
        userId: 'dev',
        files: [{ fileName: 'invoice.pdf', bytes: new Uint8Array(PDF) }],
        source: 'upload',
      }),
    ),
  );
  results.enqueue.push(
    await loop((i) =>
      container.dispatcher.enqueue('thumbnail', { tenantId: 'bench', documentId: `doc_${i}` }),
    ),
  );
  results.hello.push(await cannon({ url: `${hello.url}/hello` }));
  console.error(`round ${round}/${ROUNDS} done`);
}

const route = median(results.route);
const ingest = median(results.ingest);
const enqueue = median(results.enqueue);
const fmt = (n: number) => n.toFixed(0).padStart(7);
console.log(
  `\nbench:api — ${CONNECTIONS} connections, ${DURATION_S}s per side, median of ${ROUNDS} rounds (2 jobs per upload)`,
);
console.log(`  POST /api/upload (HTTP, autocannon)      ${fmt(route)} req/s  = ${fmt(route * 2)} jobs/s`);
console.log(`  same ingest, called in a loop (no HTTP)  ${fmt(ingest)} ops/s`);
console.log(`  bare enqueue (record put + queue send)   ${fmt(enqueue)} jobs/s`);
console.log(`  hello-world Hono route (same server)     ${fmt(median(results.hello))} req/s`);
console.log(`  ratio route / raw ingest loop            ${(route / ingest).toFixed(2)}×  (target ≥ 0.7×)`);
console.log(`  ratio route jobs / bare enqueue          ${((route * 2) / enqueue).toFixed(2)}×`);

await hello.close();
await local.close();
await dynamo.stop();
await rm(dataDir, { recursive: true, force: true });
