import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RUNNER = fileURLToPath(new URL('./coldstart-runner.mjs', import.meta.url));

export interface ColdStart {
  /** Importing the bundle: Lambda's INIT phase, the runtime's own start-up excluded. */
  initMs: number;
  /** Handling the first event. */
  invokeMs: number;
  /** From the process's start to the first event handled: Node's boot, init and invoke. */
  processMs: number;
  outcome: string;
}

/** One fresh `node` process: import `bundle`, handle `eventFile` once. */
export async function coldStart(
  bundle: string,
  eventFile: string,
  env: Record<string, string>,
): Promise<ColdStart> {
  const { stdout } = await run(process.execPath, ['--no-warnings', RUNNER, bundle, eventFile], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as ColdStart;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface ColdStartStats {
  runs: number;
  initMs: number;
  invokeMs: number;
  /** Median of init + invoke. */
  totalMs: number;
  processMs: number;
  outcomes: string[];
}

/** `runs` cold starts of one bundle, one after another (parallel runs would compete for the cores). */
export async function measureColdStarts(
  bundle: string,
  eventFile: string,
  env: Record<string, string>,
  runs: number,
): Promise<ColdStartStats> {
  const [only] = await measureInterleaved([{ bundle, eventFile, env }], runs);
  return only as ColdStartStats;
}

export interface ColdStartTarget {
  bundle: string;
  eventFile: string;
  env: Record<string, string>;
}

function stats(samples: ColdStart[]): ColdStartStats {
  return {
    runs: samples.length,
    initMs: median(samples.map((s) => s.initMs)),
    invokeMs: median(samples.map((s) => s.invokeMs)),
    totalMs: median(samples.map((s) => s.initMs + s.invokeMs)),
    processMs: median(samples.map((s) => s.processMs)),
    outcomes: [...new Set(samples.map((s) => s.outcome))],
  };
}

/**
 * `runs` cold starts of every target, taken round-robin (one of each, then again),
 * so a busy machine slows every target alike and ratios between them hold.
 */
export async function measureInterleaved(
  targets: readonly ColdStartTarget[],
  runs: number,
): Promise<ColdStartStats[]> {
  const samples = targets.map((): ColdStart[] => []);
  for (let i = 0; i < runs; i++) {
    for (const [index, target] of targets.entries()) {
      samples[index]?.push(await coldStart(target.bundle, target.eventFile, target.env));
    }
  }
  return samples.map(stats);
}
