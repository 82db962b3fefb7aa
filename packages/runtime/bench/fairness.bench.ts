/**
 * npm run bench:fairness — issue 15's fairness figure: tenant A enqueues 2,000 jobs, then
 * tenant B enqueues one; how long B's job waits to start (its latency beyond its own run
 * time) beside one job's duration, on BullMQ (redis-server) and on the embedded SQS path
 * (fauxqs + the local poller), records in dynalite, fair share at its defaults (cap =
 * worker concurrency). With `BENCH_FAIRNESS_BASELINE=1` it also runs BullMQ without fair
 * share, where B waits behind the whole flood. Timings are noisy on a shared machine.
 */
import type { JobRecord } from '@paperlane/core';
import { recordBenchFigure, startDynaliteProcess, startFauxqsProcess, startRedis } from '@paperlane/testing';
import {
  type FairRuntime,
  type FairShareRigOptions,
  startFairShareRig,
} from '../test/support/fair-share-rig';

const FLOOD = Number(process.env.BENCH_FAIRNESS_JOBS ?? 2_000);
const JOB_MS = Number(process.env.BENCH_FAIRNESS_JOB_MS ?? 200);
const WORKERS = 4;
const SAMPLE = 40;

interface Run {
  runtime: string;
  waitMs: number;
  jobMs: number;
  enqueueMs: number;
}

const ms = (job: JobRecord, field: 'startedAt') => new Date(job[field] ?? 0).getTime();

async function measure(
  services: Pick<FairShareRigOptions, 'redis' | 'dynamo' | 'faux'>,
  runtime: FairRuntime,
  fair: boolean,
): Promise<Run> {
  const rig = await startFairShareRig({
    runtime,
    ...services,
    // Off: no tenant is ever capped (a cap above the flood).
    caps: () => (fair ? WORKERS : 1_000),
    concurrency: WORKERS,
    run: () => new Promise((resolve) => setTimeout(resolve, JOB_MS)),
  });
  try {
    const a = rig.tenant('a');
    const enqueueStart = performance.now();
    for (let i = 0; i < FLOOD; i += 100) {
      const labels = Array.from({ length: Math.min(100, FLOOD - i) }, (_, k) => `a.${i + k}`);
      await rig.enqueueMany(a, labels);
    }
    const enqueueMs = performance.now() - enqueueStart;
    const b = await rig.enqueue(rig.tenant('b'), 'b.0');
    // From the moment B's enqueue returned (the job is accepted), not counting the enqueue call.
    const acceptedAt = Date.now();
    const done = await rig.waitFor(b.job, ['complete'], 10 * 60_000);
    const waitMs = Math.max(0, ms(done, 'startedAt') - acceptedAt);
    // One job's duration as a worker lives it (admission, claim, work, final write, release):
    // the time A's next SAMPLE completions take, per worker, measured right after B ran.
    const sampleStart = performance.now();
    await new Promise<void>((resolve) => {
      let seen = 0;
      const stop = rig.events.subscribe((event) => {
        if (
          event.type === 'job:complete' &&
          'tenantId' in event &&
          event.tenantId === a &&
          ++seen === SAMPLE
        ) {
          stop();
          resolve();
        }
      });
    });
    const jobMs = ((performance.now() - sampleStart) * WORKERS) / SAMPLE;
    return { runtime: `${runtime}${fair ? '' : ' (fair share off)'}`, waitMs, jobMs, enqueueMs };
  } finally {
    await rig.stop();
  }
}

const [redis, dynamo, faux] = await Promise.all([startRedis(), startDynaliteProcess(), startFauxqsProcess()]);
const services = { redis, dynamo, faux };
const runs: Run[] = [];
try {
  runs.push(await measure(services, 'bullmq', true));
  runs.push(await measure(services, 'sqs', true));
  if (process.env.BENCH_FAIRNESS_BASELINE === '1') runs.push(await measure(services, 'bullmq', false));
} finally {
  await Promise.all([redis.stop(), dynamo.stop(), faux.stop()]);
}

console.log(
  `\nFairness: tenant A enqueues ${FLOOD} jobs (${JOB_MS} ms of work each, ${WORKERS} workers), then tenant B one.`,
);
console.log(
  "B's wait = from B's enqueue returning to B's start (its latency beyond its own run time);\none job = a worker's time per job of A's right after (work + admission, claim, writes, release).\n",
);
console.log('runtime                      A enqueue   B waited   one job   wait / job');
for (const run of runs) {
  console.log(
    `${run.runtime.padEnd(28)} ${`${(run.enqueueMs / 1000).toFixed(1)} s`.padStart(9)} ${`${run.waitMs.toFixed(0)} ms`.padStart(10)} ${`${run.jobMs.toFixed(0)} ms`.padStart(9)} ${(run.waitMs / run.jobMs).toFixed(2).padStart(11)}`,
  );
}
console.log(
  `load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (figures are noisy on a shared machine)`,
);
for (const run of runs.filter((r) => !r.runtime.includes('off'))) {
  recordBenchFigure({
    figure: `fairness: B's wait vs one job (${run.runtime})`,
    ours: run.waitMs,
    peer: run.jobMs,
    unit: 'ms',
    target: { atMost: 1 },
    command: 'npm run bench:fairness',
  });
}
