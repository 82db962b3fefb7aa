/** A finished job's timing, as the job record holds it. */
export interface FinishedTiming {
  status: 'complete' | 'failed';
  startedAt?: string;
  finishedAt?: string;
}

export interface WindowSummary {
  completed: number;
  failed: number;
  /** Jobs finished (either outcome) per minute of the window. */
  throughputPerMinute: number;
  /** failed / (completed + failed); 0 when nothing finished. */
  failureRate: number;
  /** Run time (started → finished) percentiles in ms, nearest rank; null when no job has both instants. */
  p50Ms: number | null;
  p95Ms: number | null;
}

/** Nearest-rank percentile of ascending values: the smallest value with at least p% at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/**
 * Counts, rates and run-time percentiles of the jobs one queue finished in a window.
 *
 * @example summarizeWindow([{ status: 'complete', startedAt, finishedAt }], 60).p95Ms
 */
export function summarizeWindow(jobs: readonly FinishedTiming[], windowMinutes: number): WindowSummary {
  let completed = 0;
  let failed = 0;
  const durations: number[] = [];
  for (const job of jobs) {
    if (job.status === 'complete') completed++;
    else failed++;
    if (job.startedAt && job.finishedAt) {
      const ms = Date.parse(job.finishedAt) - Date.parse(job.startedAt);
      if (Number.isFinite(ms) && ms >= 0) durations.push(ms);
    }
  }
  durations.sort((a, b) => a - b);
  const finished = completed + failed;
  return {
    completed,
    failed,
    throughputPerMinute: finished / windowMinutes,
    failureRate: finished === 0 ? 0 : failed / finished,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
  };
}
