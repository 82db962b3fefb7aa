import { createInProcessEventBus } from '@paperlane/adapters';
import {
  type AnyEnvelope,
  childSpan,
  decodeEnvelope,
  type JobStore,
  parseTraceparent,
  resolveTopology,
  silentLogger,
  systemClock,
} from '@paperlane/core';
import { createDispatcher, type OutgoingMessage } from '../src/dispatcher/index';
import { createLeaseKeeper, createProcessor, jobEvent, publishSafely } from '../src/processor/index';
import { createMemoryJobStore } from './memory-job-store';

const topology = resolveTopology({});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The processor's parts, in the order a job meets them. */
export const PROCESSOR_PARTS = [
  'decode (zod: envelope + payload)',
  'trace span (parse traceparent, child)',
  'claim (bench store)',
  'lease keeper (hold + release)',
  'events (2 built + published)',
  'complete (bench store)',
] as const;
export type ProcessorPart = (typeof PROCESSOR_PARTS)[number];

/** µs per job: the whole `processor.process` of a no-op job, each part alone, and what is left. */
export interface ProcessorProfile {
  whole: number;
  parts: Record<ProcessorPart, number>;
  /** Whole minus the parts: async hops, the attempt object, the job logger, the result check, the ack. */
  rest: number;
}

/**
 * µs of CPU per call of `fn` over `items`, one at a time (no I/O to overlap, so CPU ≈ wall).
 * Only a promise is awaited: an `await` on a plain value still costs a tick, which would be
 * charged to the synchronous parts (decode, trace, lease keeper, events) instead of the rest.
 */
async function perItem<T>(items: readonly T[], fn: (item: T) => unknown): Promise<number> {
  const start = process.cpuUsage();
  for (const item of items) {
    const result = fn(item);
    if (result instanceof Promise) await result;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / items.length;
}

/** `jobs` job records created through the dispatcher, and the envelopes a transport would deliver. */
async function prepare(store: JobStore, jobs: number): Promise<AnyEnvelope[]> {
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
  for (let i = 0; i < jobs; i += 50) {
    await dispatcher.enqueueMany(
      Array.from({ length: Math.min(50, jobs - i) }, (_, j) => ({
        queue: 'automation' as const,
        payload: { tenantId: 'tenant-bench', tenantUserId: `user-${i + j}` },
      })),
    );
  }
  return sent;
}

/**
 * Where the processor's per-job CPU goes: the whole path of a no-op job, then each part
 * alone on fresh records with the inputs the processor gives it. The store is the
 * in-memory bench store, so claim and complete are its cost (on DynamoDB each is a
 * round trip). Round 0 is a warm-up; the figures are medians of the others.
 *
 * @example const profile = await profileProcessor({ jobs: 20_000, rounds: 5 });
 */
export async function profileProcessor(options: { jobs: number; rounds: number }): Promise<ProcessorProfile> {
  const samples = { whole: [] as number[], parts: new Map<ProcessorPart, number[]>() };
  const sample = (part: ProcessorPart, us: number) =>
    samples.parts.set(part, [...(samples.parts.get(part) ?? []), us]);
  for (let round = 0; round <= options.rounds; round++) {
    const store = createMemoryJobStore();
    const envelopes = await prepare(store, options.jobs);
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

    const partsStore = createMemoryJobStore();
    const fresh = await prepare(partsStore, options.jobs);
    const decode = await perItem(fresh, (body) => decodeEnvelope(body));
    const trace = await perItem(fresh, (e) => childSpan(parseTraceparent(e.traceId)));
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
    samples.whole.push(whole);
    sample('decode (zod: envelope + payload)', decode);
    sample('trace span (parse traceparent, child)', trace);
    sample('claim (bench store)', claim);
    sample('lease keeper (hold + release)', lease);
    sample('events (2 built + published)', events);
    sample('complete (bench store)', complete);
  }
  const parts = Object.fromEntries(
    PROCESSOR_PARTS.map((part) => [part, median(samples.parts.get(part) ?? [])]),
  ) as Record<ProcessorPart, number>;
  const whole = median(samples.whole);
  const measured = PROCESSOR_PARTS.reduce((sum, part) => sum + parts[part], 0);
  return { whole, parts, rest: whole - measured };
}

/** The profile as indented lines of µs per job and share of the whole. */
export function formatProcessorProfile(profile: ProcessorProfile): string[] {
  const line = (name: string, us: number) =>
    `  ${name.padEnd(48)} ${us.toFixed(2).padStart(8)} µs  ${((100 * us) / profile.whole).toFixed(0).padStart(4)}%`;
  return [
    line('whole processor.process (no-op job)', profile.whole),
    ...PROCESSOR_PARTS.map((part) => line(part, profile.parts[part])),
    line('rest (async hops, attempt, logger, result check)', profile.rest),
  ];
}
