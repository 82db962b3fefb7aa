import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One figure of issue 14's table: ours beside its peer, and the ratio it must reach. */
export interface BenchFigure {
  figure: string;
  ours: number;
  peer: number;
  unit: string;
  /** The ratio ours/peer must be at least (`atLeast`) or at most (`atMost`). */
  target: { atLeast: number } | { atMost: number };
  /**
   * The highest ratio this setup allows, measured in the same run, when the target is
   * out of its reach (e.g. the one store write a delivery needs, at the emulator's rate).
   */
  ceiling?: { ratio: number; why: string };
  /** The command that measured it. */
  command: string;
}

/** Where benches leave their figures for `npm run bench:summary` (BENCH_FIGURES_FILE overrides). */
export function benchFiguresFile(): string {
  return process.env.BENCH_FIGURES_FILE ?? join(process.cwd(), '.tmp', 'bench-figures.jsonl');
}

/**
 * Leaves one figure for the summary `npm run bench` prints at the end, so every figure
 * appears beside its peer in one run. A later record of the same figure replaces it.
 *
 * @example recordBenchFigure({ figure: 'webhook job vs fetch', ours: 280, peer: 1800, unit: '/s', target: { atLeast: 0.8 }, command: 'npm run bench:webhooks' });
 */
export function recordBenchFigure(figure: BenchFigure): void {
  const file = benchFiguresFile();
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(figure)}\n`);
}

/** Every figure recorded since the file was cleared, the latest of each name, in first-recorded order. */
export function readBenchFigures(file = benchFiguresFile()): BenchFigure[] {
  if (!existsSync(file)) return [];
  const byName = new Map<string, BenchFigure>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const figure = JSON.parse(line) as BenchFigure;
    byName.set(figure.figure, figure);
  }
  return [...byName.values()];
}

export function clearBenchFigures(file = benchFiguresFile()): void {
  rmSync(file, { force: true });
}
