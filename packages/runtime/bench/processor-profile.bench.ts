/**
 * npm run bench:processor — where the processor's per-job CPU goes, in µs per job:
 * decode (envelope validation), claim, lease keeper (hold + release), events (build +
 * publish `job:started` and `job:complete` to an in-process bus), complete, and the
 * rest (trace span, attempt object, result check, outcome), beside the whole
 * `processor.process` of a no-op job. The store is the in-memory one the queue bench
 * uses, so its own cost is near zero and what is left is the processor's. Jobs run
 * one at a time (no I/O to overlap), so µs per job is CPU per job.
 * BENCH_JOBS (default 20000) and BENCH_ROUNDS (default 5) tune it.
 */

import { createInProcessEventBus } from '@paperlane/adapters';
import {
  type AnyEnvelope,
  decodeEnvelope,
  type JobStore,
  resolveTopology,
  silentLogger,
  systemClock,
} from '@paperlane/core';
import { createDispatcher, type OutgoingMessage } from '../src/dispatcher/index';
import { createLeaseKeeper, createProcessor, jobEvent, publishSafely } from '../src/processor/index';
import { createMemoryJobStore } from './memory-job-store';

const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const topology = resolveTopology({});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** µs per call of `fn` over `items`, one at a time. */
async function perItem<T>(items: readonly T[], fn: (item: T) => unknown): Promise<number> {
  const start = performance.now();
  for (const item of items) await fn(item);
  return ((performance.now() - start) * 1000) / items.length;
}

/** `JOBS` job records created through the dispatcher, and the envelopes a transport would deliver. */
async function prepare(store: JobStore): Promise<AnyEnvelope[]> {
  const sent: AnyEnvelope[] = [];
  const dispatcher = createDispatcher({
    store,
    transport: {
      name: 'capture',
      send: async (messages: readonly OutgoingMessage[]) => {
        for (const m of messages) sent.push(m.envelope);
        return [];
      },
      close: async () => {},
    },
    topology,
    clock: systemClock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  });
  for (let i = 0; i < JOBS; i += 50) {
    await dispatcher.enqueueMany(
      Array.from({ length: Math.min(50, JOBS - i) }, (_, j) => ({
        queue: 'automation' as const,
        payload: { tenantId: 'tenant-bench', tenantUserId: `user-${i + j}` },
      })),
    );
  }
  return sent;
}

const parts = {
  'whole processor.process (no-op job)': [] as number[],
  decode: [] as number[],
  claim: [] as number[],
  'lease keeper (hold + release)': [] as number[],
  'events (2 built + published)': [] as number[],
  complete: [] as number[],
};

for (let round = 0; round <= ROUNDS; round++) {
  // The whole path first, on its own records.
  const store = createMemoryJobStore();
  const envelopes = await prepare(store);
  const processor = createProcessor({
    store,
    events: createInProcessEventBus(),
    handlers: { automation: async () => undefined },
    topology,
    clock: systemClock,
    logger: silentLogger,
    leaseMs: 30_000,
    sweepGraceMs: 60_000,
  });
  const whole = await perItem(envelopes, async (body) => {
    const outcome = await processor.process({ queue: 'automation', body });
    if (outcome.kind !== 'ack') throw new Error(`job not completed: ${JSON.stringify(outcome)}`);
  });

  // Then each part alone, on fresh records, with the same inputs the processor gives it.
  const partsStore = createMemoryJobStore();
  const fresh = await prepare(partsStore);
  const decode = await perItem(fresh, (body) => decodeEnvelope(body));
  const claims: Awaited<ReturnType<JobStore['claim']>>[] = [];
  const claim = await perItem(fresh, async (e) => {
    claims.push(
      await partsStore.claim({
        tenantId: e.tenantId,
        jobId: e.jobId,
        now: systemClock.now(),
        leaseMs: 30_000,
      }),
    );
  });
  const keeper = createLeaseKeeper({ leaseMs: 30_000, renew: async () => true, onError: () => {} });
  const lease = await perItem(fresh, (e) => {
    keeper.release(keeper.hold({ tenantId: e.tenantId, jobId: e.jobId, attempt: 1, onLost: () => {} }));
  });
  const bus = createInProcessEventBus();
  const jobs = claims
    .map((c) => (c.outcome === 'claimed' ? c.job : undefined))
    .filter((j) => j !== undefined);
  const events = await perItem(jobs, (job) => {
    publishSafely(bus, jobEvent('job:started', job, systemClock.now()), silentLogger);
    publishSafely(bus, jobEvent('job:complete', job, systemClock.now()), silentLogger);
  });
  const complete = await perItem(jobs, (job) =>
    partsStore.complete({
      tenantId: job.tenantId,
      jobId: job.jobId,
      attempt: job.attempts,
      now: systemClock.now(),
    }),
  );
  if (round === 0) continue; // warm-up: JIT and allocation settle
  parts['whole processor.process (no-op job)'].push(whole);
  parts.decode.push(decode);
  parts.claim.push(claim);
  parts['lease keeper (hold + release)'].push(lease);
  parts['events (2 built + published)'].push(events);
  parts.complete.push(complete);
}

const whole = median(parts['whole processor.process (no-op job)']);
const measured = Object.entries(parts)
  .slice(1)
  .reduce((sum, [, xs]) => sum + median(xs), 0);
console.log(`\nbench:processor — ${JOBS} no-op jobs one at a time, median of ${ROUNDS} rounds, µs per job`);
for (const [name, xs] of Object.entries(parts)) {
  const us = median(xs);
  console.log(
    `  ${name.padEnd(38)} ${us.toFixed(2).padStart(8)} µs  ${((100 * us) / whole).toFixed(0).padStart(4)}%`,
  );
}
console.log(
  `  ${'rest (trace span, attempt, result check)'.padEnd(38)} ${(whole - measured).toFixed(2).padStart(8)} µs  ${((100 * (whole - measured)) / whole).toFixed(0).padStart(4)}%`,
);
console.log(
  `  (the in-memory store's claim and complete are the store's own cost; on DynamoDB each is a round trip)`,
);
