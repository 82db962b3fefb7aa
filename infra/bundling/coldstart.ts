import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RUNNER = fileURLToPath(new URL('./coldstart-runner.mjs', import.meta.url));

export interface ColdStart {
  initMs: number;
  invokeMs: number;
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
  totalMs: number;
  outcomes: string[];
}

/** `runs` cold starts, one after another (parallel runs would compete for the two cores). */
export async function measureColdStarts(
  bundle: string,
  eventFile: string,
  env: Record<string, string>,
  runs: number,
): Promise<ColdStartStats> {
  const samples: ColdStart[] = [];
  for (let i = 0; i < runs; i++) samples.push(await coldStart(bundle, eventFile, env));
  return {
    runs,
    initMs: median(samples.map((s) => s.initMs)),
    invokeMs: median(samples.map((s) => s.invokeMs)),
    totalMs: median(samples.map((s) => s.initMs + s.invokeMs)),
    outcomes: [...new Set(samples.map((s) => s.outcome))],
  };
}
