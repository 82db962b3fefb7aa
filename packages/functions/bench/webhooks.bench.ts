/**
 * npm run bench:webhooks — deliveries/s through the real webhook-delivery job module
 * (first attempts, as fan-out enqueues them: the event comes in the message, the
 * subscription and its opened secret from per-process caches; sign both ways, send
 * through the SSRF-guarded sender, record the attempt and, when it changed, the
 * subscription's health) to a local receiver, beside a plain fetch loop posting the
 * same body with the same concurrency to the same receiver. The rest says where the
 * time goes: the signing + sender part alone, that part plus the one durable write any
 * delivery needs (the ceiling for the job on this store), one store read and one write
 * on their own, the wall time of each store call the job makes, and each side's CPU per
 * item in this process, dynalite and the receiver. The receiver and DynamoDB (dynalite)
 * run in their own processes; rounds alternate so every side sees the same machine, and
 * the job and the floor run in halves (job, floor, floor, job) on records of their own, so
 * neither always meets dynalite right after the records were created.
 * BENCH_CONCURRENCY, BENCH_DELIVERIES, BENCH_ROUNDS tune it.
 *
 * With BENCH_WEBHOOK_PROFILE=<file.cpuprofile> the last round's job and floor run under V8's
 * sampling profiler (this process only: the receiver and dynalite are others), the job's
 * profile (of its second half) is saved there, the floor's beside it (`.floor.cpuprofile`), and the bench prints
 * each part's µs of CPU per delivery beside the same part in the floor.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllowedHosts } from '@paperlane/adapters/net/host-allowlist';
import { createWebhookHttpSender } from '@paperlane/adapters/webhooks/http-sender';
import {
  type JobContext,
  type JobRecord,
  jobTarget,
  newId,
  type PayloadOf,
  silentLogger,
  stableId,
  startTrace,
} from '@paperlane/core';
import { generateWebhookSecret } from '@paperlane/jobs';
import { type WebhookEventContent, webhookBody } from '@paperlane/jobs/webhooks/delivery-handler';
import { webhookSignatureHeaders, webhookSigningKey } from '@paperlane/jobs/webhooks/signature';
import { webhookSecretContext } from '@paperlane/store';
import { freePort, recordBenchFigure, startDynaliteProcess, startProcess } from '@paperlane/testing';
import { webhookDeliveryModule } from '../src/handlers/webhook-delivery';
import { startLocal } from '../src/local/start-local';
import { type ProfilePart, profileParts } from './profile-parts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TENANT = 'bench';
const PROFILE_TO = process.env.BENCH_WEBHOOK_PROFILE;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** `CONCURRENCY` workers taking items until none are left; items/s. */
async function drain<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
  return (items.length / (performance.now() - start)) * 1000;
}

// A receiver in its own process, as a subscriber's server would be: read the body, answer 200.
const port = await freePort();
const receiver = await startProcess(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { createServer } from 'node:http';
     const server = createServer((req, res) => {
       req.resume();
       req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
     });
     server.keepAliveTimeout = 60000;
     server.listen(${port}, '127.0.0.1', () => console.log('listening'));`,
  ],
  { ready: /listening/ },
);
const url = `http://127.0.0.1:${port}/hooks`;

const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-bench-webhooks-'));
const dynamo = await startDynaliteProcess();
const local = await startLocal({
  env: {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    SECRET_KEY: randomBytes(32).toString('base64'),
    WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${port}`,
  },
  api: false,
  queues: [],
  sweeper: false,
  logger: silentLogger,
});
const { container } = local;
/** Wall time (ms) of each store call the job makes, while it runs: where a delivery's time goes. */
const spent = new Map<string, number[]>();
let timing = false;
/** Writes the job's store calls refused while timed (a fenced attempt record that did not hold). */
let refused = 0;
function note(label: string, ms: number): void {
  const times = spent.get(label);
  if (times) times.push(ms);
  else spent.set(label, [ms]);
}
function timed<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const start = performance.now();
        try {
          const result = await value.apply(obj, args);
          if (timing && result === false) refused++;
          return result;
        } finally {
          if (timing) note(`${name}.${String(prop)}`, performance.now() - start);
        }
      };
    },
  });
}
const timedStore = {
  ...container.store,
  webhooks: timed('webhooks', container.store.webhooks),
  webhookDeliveries: timed('webhookDeliveries', container.store.webhookDeliveries),
};
const deliver = webhookDeliveryModule({ ...container, store: timedStore, onClose: () => {} });

const webhookId = 'wh_bench';
const secret = generateWebhookSecret();
await container.store.webhooks.create({
  tenantId: TENANT,
  webhookId,
  url,
  events: ['*'],
  active: true,
  secretCiphertext: await container.secrets.encrypt(secret, webhookSecretContext(TENANT, webhookId)),
  now: new Date(),
});
const payload = {
  entry_id: 'e-1',
  amount: 1250.5,
  currency: 'EUR',
  lines: Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-${i}`, qty: i + 1, note: 'x'.repeat(40) })),
};

/** Delivery records and the job contexts that send them, created before the clock starts. */
async function prepare(round: string): Promise<JobContext<'webhook-delivery'>[]> {
  const ids = Array.from({ length: DELIVERIES }, (_, i) => `whd_bench_${round}_${i}`);
  const created = new Map<string, string>();
  await drain(ids, async (deliveryId) => {
    const { delivery } = await container.store.webhookDeliveries.create({
      tenantId: TENANT,
      deliveryId,
      webhookId,
      event: 'entry.approved',
      eventId: stableId('evt', deliveryId),
      payload,
      now: new Date(),
    });
    created.set(deliveryId, delivery.createdAt);
  });
  const now = new Date().toISOString();
  return ids.map((deliveryId) => {
    // What fan-out enqueues: the event travels with the reference.
    const jobPayload: PayloadOf<'webhook-delivery'> = {
      tenantId: TENANT,
      webhookId,
      webhookDeliveryId: deliveryId,
      event: 'entry.approved',
      url,
      payload,
      eventId: stableId('evt', deliveryId),
      eventAt: created.get(deliveryId) ?? now,
    };
    const job: JobRecord = {
      tenantId: TENANT,
      jobId: newId('job'),
      queue: 'webhook-delivery',
      status: 'processing',
      payload: jobPayload,
      priority: 'high',
      attempts: 1,
      maxAttempts: 13,
      generation: 0,
      progress: 0,
      traceId: 'bench',
      ...jobTarget('webhook-delivery', jobPayload),
      createdAt: now,
      updatedAt: now,
      availableAt: now,
    };
    return {
      job,
      payload: jobPayload,
      attempt: 1,
      signal: new AbortController().signal,
      progress: async () => true,
      logger: silentLogger,
      span: startTrace(),
    };
  });
}

// The peer: the same body and headers, posted with fetch (keep-alive pool) at the same concurrency.
const sampleContent: WebhookEventContent = {
  eventId: 'evt_sample',
  event: 'entry.approved',
  timestamp: new Date().toISOString(),
  payload,
};
const sampleBody = webhookBody(sampleContent);
const sampleHeaders = {
  ...webhookSignatureHeaders({ id: 'evt_sample', at: new Date(), body: sampleBody, secret }),
  'content-type': 'application/json',
  'user-agent': 'Paperlane-Webhooks/1.0',
};
async function plainPost(): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: sampleHeaders, body: sampleBody });
  await response.text();
  if (response.status !== 200) throw new Error(`receiver answered ${response.status}`);
}

// The job's own machinery without the store: sign both ways, then the SSRF-guarded send.
// Signed with the keys imported once, as the job signs.
const sender = createWebhookHttpSender({ allowedHosts: parseAllowedHosts(`127.0.0.1:${port}`) });
const signingKey = webhookSigningKey(secret);
async function signedSend(): Promise<void> {
  const headers = webhookSignatureHeaders({
    id: 'evt_sample',
    at: new Date(),
    body: sampleBody,
    secret: signingKey,
  });
  const result = await sender.send({ url, body: sampleBody, headers });
  if (result.kind !== 'response' || result.statusCode !== 200) throw new Error(`send failed: ${result.kind}`);
}
// What one store round trip costs here (dynalite).
async function storeRead(): Promise<void> {
  await container.store.webhooks.get({ tenantId: TENANT, webhookId });
}
/**
 * One delivery's attempt record: the write no delivery can skip (its record must survive a
 * crash). `fenced`: on the pending state, with the response excerpt, as the job writes it.
 */
async function recordOne(ctx: JobContext<'webhook-delivery'>, fenced = false): Promise<void> {
  const written = await container.store.webhookDeliveries.recordAttempt({
    ...(fenced ? { expect: { webhookId, attempts: 0 }, responseExcerpt: 'ok' } : {}),
    tenantId: TENANT,
    deliveryId: ctx.payload.webhookDeliveryId,
    status: 'succeeded',
    attempts: 1,
    lastStatusCode: 200,
    durationMs: 1,
    error: null,
    nextAttemptAt: null,
    at: new Date(),
  });
  if (!written) throw new Error(`delivery ${ctx.payload.webhookDeliveryId} not recorded`);
}
// The ceiling for any correct delivery job on this store: the send, then its one durable write,
// fenced as a correct job's must be.
async function signedSendAndRecord(ctx: JobContext<'webhook-delivery'>): Promise<void> {
  await signedSend();
  await recordOne(ctx, true);
}

/** CPU µs a process has used (Linux /proc; utime + stime in clock ticks of 10 ms). */
function cpuOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}
/** µs of CPU per item in this process, dynalite and the receiver, per side, all rounds. */
const cpu = new Map<string, { self: number; dynalite: number; receiver: number; items: number }>();
async function withCpu(side: string, items: number, run: () => Promise<number>): Promise<number> {
  const start = {
    self: process.cpuUsage(),
    dynalite: cpuOf(dynamo.process.child.pid),
    receiver: cpuOf(receiver.child.pid),
  };
  const rate = await run();
  const self = process.cpuUsage(start.self);
  const sum = cpu.get(side) ?? { self: 0, dynalite: 0, receiver: 0, items: 0 };
  sum.self += self.user + self.system;
  sum.dynalite += cpuOf(dynamo.process.child.pid) - start.dynalite;
  sum.receiver += cpuOf(receiver.child.pid) - start.receiver;
  sum.items += items;
  cpu.set(side, sum);
  return rate;
}

const results = {
  job: [] as number[],
  send: [] as number[],
  floor: [] as number[],
  fetch: [] as number[],
  read: [] as number[],
  write: [] as number[],
};
// Warm both paths (JIT, connections) before measuring.
await drain(await prepare('warm-up'), async (ctx) => void (await deliver(ctx)));
await drain(Array.from({ length: DELIVERIES }), plainPost);
/** The job's parts, as `profileParts` finds them on a sample's stack (its deepest frame decides). */
const from =
  (...sources: string[]): ProfilePart['match'] =>
  (frame) =>
    sources.some((source) => frame.source.includes(source));
const PARTS: ProfilePart[] = [
  { name: 'subscription lookup (cache)', match: from('store/src/webhook-cache.ts') },
  { name: 'secret open (cached)', match: from('core/src/opened-secrets.ts') },
  {
    name: 'body (JSON) + headers',
    match: (frame) => frame.functionName === 'webhookBody' || frame.functionName === 'carriedContent',
  },
  { name: 'signing (HMAC × 2)', match: from('jobs/src/webhooks/signature.ts') },
  { name: 'SSRF guard (URL policy, address check)', match: from('adapters/src/net/') },
  { name: 'HTTP send (request, response)', match: from('adapters/src/webhooks/http-sender.ts') },
  {
    name: 'trace + metrics',
    match: from('webhooks/instrumented-sender.ts', 'adapters/src/metrics/', 'core/src/trace-context.ts'),
  },
  { name: 'outcome (classify)', match: from('jobs/src/webhooks/attempt-outcome.ts') },
  {
    name: 'recordAttempt (checks, command, SDK, retry wrapper)',
    match: from(
      'store/src/webhook-delivery-store.ts',
      'store/src/validate.ts',
      'store/src/webhook-attempt-write.ts',
      'store/src/conditional.ts',
      'store/src/low-level-write.ts',
      'core/src/write-through-outage.ts',
      '/@aws-sdk/',
      '/@smithy/',
      '/@aws-crypto/',
    ),
  },
  { name: 'store (other calls)', match: from('store/src/') },
  { name: 'job handler (its own flow)', match: from('jobs/src/webhooks/delivery-handler.ts') },
  { name: 'bench harness (drain, store timing)', match: from('functions/bench/') },
];
/** µs of CPU per delivery by part, job and floor, summed over the profiled round's halves. */
const profiled = { job: new Map<string, number>(), floor: new Map<string, number>() };
/** Runs one side over `items`, its CPU counted and, when asked, profiled; items/s. */
async function measure<T>(
  side: keyof typeof results,
  items: readonly T[],
  work: (item: T) => Promise<void>,
  profile = false,
): Promise<number> {
  const run = () => withCpu(side, items.length, () => drain(items, work));
  if (!profile || !PROFILE_TO || (side !== 'job' && side !== 'floor')) return run();
  const saveTo = side === 'job' ? PROFILE_TO : PROFILE_TO.replace(/(\.cpuprofile)?$/, '.floor.cpuprofile');
  const { result, parts } = await profileParts(PARTS, run, { saveTo });
  for (const [part, us] of parts) profiled[side].set(part, (profiled[side].get(part) ?? 0) + us / DELIVERIES);
  return result;
}
/** One rate for two runs of one side: all their items over all their time. */
const combined = (n: number, a: number, b: number) => (2 * n) / (n / a + n / b);

async function deliverOne(ctx: JobContext<'webhook-delivery'>): Promise<void> {
  const start = performance.now();
  const outcome = await deliver(ctx);
  note('job (whole delivery)', performance.now() - start);
  if (outcome?.status !== 'succeeded') throw new Error(`delivery failed: ${JSON.stringify(outcome)}`);
}

for (let round = 1; round <= ROUNDS; round++) {
  // The job and the floor each write their own fresh records (a fenced write would refuse a
  // delivery the other side already recorded), in halves run job, floor, floor, job: whichever
  // runs right after the records are created meets a busier dynalite, so each side does once.
  const forJob = await prepare(`${round}_job`);
  const forFloor = await prepare(`${round}_floor`);
  const half = Math.floor(DELIVERIES / 2);
  const profile = round === ROUNDS;
  timing = true;
  const job1 = await measure('job', forJob.slice(0, half), deliverOne, profile);
  timing = false;
  const floor1 = await measure('floor', forFloor.slice(0, half), signedSendAndRecord, profile);
  const floor2 = await measure('floor', forFloor.slice(half), signedSendAndRecord, profile);
  timing = true;
  const job2 = await measure('job', forJob.slice(half), deliverOne, profile);
  timing = false;
  results.job.push(combined(half, job1, job2));
  results.floor.push(combined(half, floor1, floor2));
  results.send.push(await measure('send', Array.from({ length: DELIVERIES }), signedSend));
  results.fetch.push(await measure('fetch', Array.from({ length: DELIVERIES }), plainPost));
  results.read.push(await measure('read', Array.from({ length: DELIVERIES }), storeRead));
  results.write.push(await measure('write', forFloor, recordOne));
  console.error(`round ${round}/${ROUNDS} done`);
}
if (refused > 0)
  throw new Error(`${refused} of the job's attempt records were refused: the figure is not a delivery's`);

const job = median(results.job);
const send = median(results.send);
const plain = median(results.fetch);
const floor = median(results.floor);
recordBenchFigure({
  figure: 'webhook-delivery job vs a plain fetch loop',
  ours: job,
  peer: plain,
  unit: '/s',
  target: { atLeast: 0.8 },
  ceiling: { ratio: floor / plain, why: 'send + the one durable write a delivery needs' },
  command: 'npm run bench:webhooks',
});
const fmt = (n: number) => n.toFixed(0).padStart(7);
console.log(
  `\nbench:webhooks — concurrency ${CONCURRENCY}, ${DELIVERIES} per side, median of ${ROUNDS} rounds, ${Buffer.byteLength(sampleBody)} B body`,
);
console.log(`  webhook-delivery job (store + signing + SSRF-guarded sender)  ${fmt(job)} deliveries/s`);
console.log(`  signing + SSRF-guarded sender only (no store)                 ${fmt(send)} deliveries/s`);
console.log(`  signing + sender + one attempt write (the floor of any job)   ${fmt(floor)} deliveries/s`);
console.log(`  plain fetch loop, same body and concurrency                   ${fmt(plain)} requests/s`);
console.log(
  `  one store read (dynalite), same concurrency                   ${fmt(median(results.read))} reads/s`,
);
console.log(
  `  one attempt write (dynalite UpdateItem), same concurrency     ${fmt(median(results.write))} writes/s`,
);
console.log(
  `  ratio job / plain fetch                                        ${(job / plain).toFixed(2)}×  (target ≥ 0.8×; ceiling ${(floor / plain).toFixed(2)}×)`,
);
console.log(
  `  ratio job / its floor (send + one write)                       ${(job / floor).toFixed(2)}×  (the ceiling: a delivery's record must survive a crash, so one write per delivery stays)`,
);
console.log(`  ratio signing + sender / plain fetch                           ${(send / plain).toFixed(2)}×`);
console.log("  where a delivery's time goes (median wall ms per call, calls per delivery, all rounds):");
const deliveries = spent.get('job (whole delivery)')?.length ?? 1;
for (const [label, times] of [...spent].sort((a, b) => median(b[1]) - median(a[1]))) {
  console.log(
    `    ${label.padEnd(40)} ${median(times).toFixed(2).padStart(8)} ms  × ${(times.length / deliveries).toFixed(2)}`,
  );
}

console.log(
  '  CPU per item, all rounds (µs):                                  this process  dynalite  receiver',
);
const cpuUs = (total: number, items: number) => (total / items).toFixed(0).padStart(8);
for (const [side, c] of cpu) {
  console.log(
    `    ${side.padEnd(62)} ${cpuUs(c.self, c.items)}  ${cpuUs(c.dynalite, c.items)}  ${cpuUs(c.receiver, c.items)}`,
  );
}
if (profiled.job.size && profiled.floor.size) {
  const { job: ours, floor: theirs } = profiled;
  const names = [...new Set([...ours.keys(), ...theirs.keys()])].sort(
    (a, b) => (ours.get(b) ?? 0) - (ours.get(a) ?? 0),
  );
  const total = (parts: Map<string, number>) => [...parts.values()].reduce((sum, us) => sum + us, 0);
  const us = (n: number | undefined) => (n ?? 0).toFixed(1).padStart(8);
  console.log(`  this process's CPU per delivery by part, last round (µs; ${PROFILE_TO}):`);
  console.log(`    ${''.padEnd(62)}      job    floor`);
  for (const name of names)
    console.log(`    ${name.padEnd(62)} ${us(ours.get(name))}  ${us(theirs.get(name))}`);
  console.log(`    ${'all'.padEnd(62)} ${us(total(ours))}  ${us(total(theirs))}`);
}

await local.close();
await dynamo.stop();
await receiver.stop();
await rm(dataDir, { recursive: true, force: true });
