import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** How a cold start's process runs: which Node, and with which compile cache. */
export interface ColdStartRunner {
  /** The `node` binary; the one running this by default. */
  node?: string;
  /**
   * `NODE_COMPILE_CACHE` for the process (Node ≥ 22.1): every module it compiles is
   * cached there, and read back by the next process given the same folder.
   */
  compileCache?: string;
}

/**
 * One fresh `node` process: import `bundle`, handle `eventFile` once. Each gets an
 * empty `TMPDIR`, as Lambda's `/tmp` is at a cold start: the entries' compile cache
 * (`os.tmpdir()` on Node 22) must not carry from one run to the next.
 */
export async function coldStart(
  bundle: string,
  eventFile: string,
  env: Record<string, string>,
  runner: ColdStartRunner = {},
): Promise<ColdStart> {
  const tmp = mkdtempSync(join(tmpdir(), 'paperlane-coldstart-'));
  try {
    const { stdout } = await run(
      runner.node ?? process.execPath,
      ['--no-warnings', RUNNER, bundle, eventFile],
      {
        env: {
          PATH: process.env.PATH ?? '',
          TMPDIR: tmp,
          ...(runner.compileCache ? { NODE_COMPILE_CACHE: runner.compileCache } : {}),
          ...env,
        },
        timeout: 60_000,
      },
    );
    const last = stdout.trim().split('\n').pop() ?? '';
    return JSON.parse(last) as ColdStart;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The version a `node` binary reports (`v22.23.5`).
 *
 * @example await nodeVersion(process.execPath) // 'v20.20.2'
 */
export async function nodeVersion(node: string): Promise<string> {
  const { stdout } = await run(node, ['--version'], { timeout: 10_000 });
  return stdout.trim();
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

export interface ColdStartTarget extends ColdStartRunner {
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
      samples[index]?.push(await coldStart(target.bundle, target.eventFile, target.env, target));
    }
  }
  return samples.map(stats);
}

/**
 * The `node` binaries a bench runs bundles under: `--node a[,b]`, else `BENCH_NODE`
 * (same form), else the one running it. Lambda runs nodejs22.x; this machine may not.
 *
 * @example benchNodes('/opt/node22/bin/node', undefined) // ['/opt/node22/bin/node']
 */
export function benchNodes(flag: string | undefined, env: string | undefined): string[] {
  const list = (flag ?? env ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length > 0 ? list : [process.execPath];
}
