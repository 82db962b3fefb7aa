import type { Observed, TenantClient } from './tenant';

const TERMINAL = new Set(['complete', 'failed', 'cancelled']);

interface JobView {
  job_id: string;
  queue: string;
  status: string;
  attempts: number;
  error_code?: string;
  error?: string;
}

/** What a case ends with; every case asserts lost = stuck = duplicated = 0. */
export interface Counts {
  submitted: number;
  completed: number;
  failed: number;
  /** Not terminal (or not found) once the case has waited past the sweeper's period. */
  stuck: number;
  /** Terminal jobs whose `job.completed` / `job.failed` never reached the subscriber. */
  lost: number;
  /** Deliveries of a job's outcome beyond the first (or of both outcomes). */
  duplicated: number;
  /** Webhook deliveries the API still lists as pending or failed. */
  undelivered: number;
}

async function records(stack: Observed, jobIds: readonly string[]): Promise<JobView[]> {
  const found: JobView[] = [];
  for (let i = 0; i < jobIds.length; i += 100) {
    const ids = jobIds.slice(i, i + 100).join(',');
    const page = await stack.call<{ jobs: JobView[] }>('GET', `/api/jobs/batch?ids=${ids}`);
    if (page.status !== 200) throw new Error(`GET /api/jobs/batch answered ${page.status}`);
    found.push(...page.body.jobs);
  }
  return found;
}

/**
 * These jobs' outcome deliveries (their event ids are `<type>:<jobId>`): how many did
 * not succeed, and how many took more than one attempt (a POST repeated).
 */
async function deliveryCounts(
  stack: Observed,
  jobIds: ReadonlySet<string>,
): Promise<{ undelivered: number; reattempted: number }> {
  let count = 0;
  let reattempted = 0;
  let cursor: string | undefined;
  do {
    const page = await stack.call<{
      deliveries: Array<{ status: string; event_id: string; attempts: number }>;
      cursor?: string;
    }>(
      'GET',
      `/api/webhooks/${stack.webhookId}/deliveries?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`GET deliveries answered ${page.status}`);
    const mine = page.body.deliveries.filter((d) => jobIds.has(d.event_id.split(':')[1] ?? ''));
    count += mine.filter((d) => d.status !== 'succeeded').length;
    reattempted += mine.filter((d) => d.attempts > 1).length;
    cursor = page.body.cursor;
  } while (cursor);
  return { undelivered: count, reattempted };
}

/**
 * Waits (on the subscriber's arrivals, up to `withinMs`) until every job's outcome
 * was delivered, then counts from the job records, the deliveries the API lists and
 * what the subscriber received, and prints the counts as one line.
 */
export async function settleAndCount(
  stack: Observed,
  label: string,
  jobIds: readonly string[],
  withinMs: number,
): Promise<Counts> {
  const startedAt = Date.now();
  const wanted = new Set(jobIds);
  const delivered = () =>
    new Set(stack.counter.effects.filter((e) => wanted.has(e.jobId)).map((e) => e.jobId));
  await stack.counter.until(() => delivered().size === wanted.size, Date.now() + withinMs);
  // Let in-flight deliveries be recorded (they are pending until their job finishes). A
  // delivery whose run lost its lease in a store outage is recorded by the job's next
  // attempt, after its backoff (16 s seen in CI under load), so 10 s was too short to wait.
  const quietBy = Date.now() + 30_000;
  let deliveries = await deliveryCounts(stack, wanted);
  while (deliveries.undelivered > 0 && Date.now() < quietBy) {
    await stack.counter.until(() => false, Date.now() + 250);
    deliveries = await deliveryCounts(stack, wanted);
  }
  const jobs = await records(stack, jobIds);
  const byJob = new Map<string, number>();
  for (const effect of stack.counter.effects) {
    if (wanted.has(effect.jobId)) byJob.set(effect.jobId, (byJob.get(effect.jobId) ?? 0) + 1);
  }
  const terminal = jobs.filter((j) => TERMINAL.has(j.status));
  const expectedType = (j: JobView) => (j.status === 'complete' ? 'job.completed' : 'job.failed');
  const counts: Counts = {
    submitted: jobIds.length,
    completed: jobs.filter((j) => j.status === 'complete').length,
    failed: jobs.filter((j) => j.status === 'failed').length,
    stuck: jobIds.length - terminal.length,
    lost: terminal.filter(
      (j) => !stack.counter.effects.some((e) => e.jobId === j.job_id && e.type === expectedType(j)),
    ).length,
    duplicated: [...byJob.values()].reduce((sum, n) => sum + n - 1, 0),
    undelivered: deliveries.undelivered,
  };
  const reasons = jobs
    .filter((j) => j.status === 'failed')
    .map((j) => `${j.queue}:${j.error_code ?? '?'}@${j.attempts}`)
    .sort();
  const line = Object.entries(counts).map(([k, v]) => `${k}=${v}`);
  if (stack.counter.forged.length) line.push(`unverified=${stack.counter.forged.length}`);
  if (reasons.length) line.push(`failures=[${reasons.join(',')}]`);
  const repeated = [...byJob].filter(([, n]) => n > 1).map(([jobId]) => jobId);
  const twice = stack.counter.effects.filter((e) => repeated.includes(e.jobId)).map((e) => e.webhookId);
  if (twice.length) line.push(`repeated=[${twice.join(',')}]`);
  if (deliveries.reattempted) line.push(`deliveries-reattempted=${deliveries.reattempted}`);
  process.stdout.write(
    `chaos ${label}: ${line.join(' ')} (${Math.round((Date.now() - startedAt) / 1000)} s)\n`,
  );
  // The processes' own account of what went wrong, beside the counts that will fail.
  if (counts.stuck + counts.lost + counts.duplicated + counts.undelivered > 0)
    process.stdout.write(`${stack.logs()}\n`);
  return counts;
}

/** The outcome every case demands. */
export const CLEAN = { stuck: 0, lost: 0, duplicated: 0, undelivered: 0 } as const;

/** Polls `/healthz` until stopped; counts answers that were not 200 (or no answer at all). */
export function watchHealth(url: string) {
  let ok = 0;
  let failed = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        if (response.status === 200) ok++;
        else failed++;
      } catch {
        failed++;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ok, failed };
    },
  };
}

/**
 * Uploads a batch, waits until `afterEffects` of its outcomes have arrived (so the
 * rest are queued or running), runs `disrupt`, then settles and counts. On a failure
 * the processes' output tails are printed with it.
 */
export async function disruptedBatch(
  stack: Observed & Pick<TenantClient, 'upload'>,
  options: { label: string; files: number; afterEffects: number; withinMs: number; disrupt(): Promise<void> },
): Promise<Counts> {
  const started = Date.now();
  try {
    const jobIds = await stack.upload(options.files);
    const mine = new Set(jobIds);
    const arrived = await stack.counter.until(
      () => stack.counter.effects.filter((e) => mine.has(e.jobId)).length >= options.afterEffects,
      Date.now() + 60_000,
    );
    if (!arrived) throw new Error(`${options.label}: no ${options.afterEffects} outcomes within 60 s`);
    await options.disrupt();
    const counts = await settleAndCount(stack, options.label, jobIds, options.withinMs);
    process.stdout.write(
      `chaos ${options.label}: whole case ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
    return counts;
  } catch (error) {
    process.stdout.write(stack.logs());
    throw error;
  }
}
