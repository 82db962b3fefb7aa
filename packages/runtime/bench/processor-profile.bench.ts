/**
 * npm run bench:processor — where the processor's per-job CPU goes, in µs of CPU per job
 * (process.cpuUsage, so a loaded machine inflates it less than wall time): decode
 * (envelope validation), the attempt's trace span, claim, lease keeper (hold + release),
 * events (build + publish `job:started` and `job:complete` to an in-process bus),
 * complete, and the rest, beside the whole `processor.process` of a no-op job. Jobs run
 * one at a time over the in-memory bench store (see processor-profile.ts).
 * BENCH_JOBS (default 20000) and BENCH_ROUNDS (default 5) tune it.
 */
import { formatProcessorProfile, profileProcessor } from './processor-profile';

const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const profile = await profileProcessor({ jobs: JOBS, rounds: ROUNDS });
console.log(
  `\nbench:processor — ${JOBS} no-op jobs one at a time, median of ${ROUNDS} rounds, µs CPU per job`,
);
for (const line of formatProcessorProfile(profile)) console.log(line);
console.log(
  "  (the in-memory store's claim and complete are the store's own cost; on DynamoDB each is a round trip)",
);
