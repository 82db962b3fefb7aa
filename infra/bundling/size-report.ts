import type { BundleResult } from './bundle';

/**
 * Size budgets in bytes, by function name, of the zipped package: what Lambda
 * stores and fetches on a cold start, and what SST uploads. The minified sizes (all
 * of it, and what is parsed at init) are printed beside it.
 */
export type Budgets = Readonly<Record<string, number>>;

export type BundleRow =
  | {
      name: string;
      entry: string;
      status: 'built';
      result: BundleResult;
      budget?: number;
      /** Externals imported but not installed for the function. */
      undeclared: string[];
      /** Externals declared never loaded, yet imported at init. */
      loadsAtInit: string[];
    }
  | { name: string; entry: string; status: 'missing' }
  | { name: string; entry: string; status: 'error'; error: string };

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The table `build:lambdas` prints: one row per function. */
export function formatSizeTable(rows: BundleRow[]): string {
  const lines = rows.map((row) => {
    if (row.status === 'missing') return [row.name, '-', '-', '-', 'missing (no entry point yet)'];
    if (row.status === 'error') return [row.name, '-', '-', '-', `error: ${row.error}`];
    const { bytes, initBytes, zipBytes, externals } = row.result;
    const budget =
      row.budget === undefined
        ? ''
        : zipBytes > row.budget
          ? `OVER ${kb(row.budget)} budget`
          : `≤ ${kb(row.budget)}`;
    const notes = [budget, ...externals.map((e) => `+${e.name}${e.atInit ? '' : ' (lazy)'}`)]
      .filter(Boolean)
      .join(' ');
    return [row.name, kb(initBytes), kb(bytes), kb(zipBytes), notes || 'ok'];
  });
  const header = ['function', 'init', 'minified', 'zip', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const numeric = (i: number) => i >= 1 && i <= 3;
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (numeric(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

/** One message per broken expectation: a budget exceeded, an error, a package not installed or loaded too early. */
export function bundleProblems(rows: BundleRow[]): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    if (row.status === 'error') problems.push(`${row.name}: ${row.entry} does not bundle: ${row.error}`);
    if (row.status !== 'built') continue;
    if (row.budget !== undefined && row.result.zipBytes > row.budget) {
      const top = row.result.packages
        .slice(0, 5)
        .map((p) => `${p.name} ${kb(p.bytes)}`)
        .join(', ');
      problems.push(
        `${row.name}: package is ${kb(row.result.zipBytes)} zipped (${kb(row.result.bytes)} minified), over its ${kb(row.budget)} budget; largest: ${top}`,
      );
    }
    for (const name of row.undeclared) {
      problems.push(
        `${row.name}: imports ${name}, which infra/needs.ts does not install for it; SST would bundle it without its files or install an untested version`,
      );
    }
    for (const name of row.loadsAtInit) {
      problems.push(
        `${row.name}: imports ${name} at init, but infra/needs.ts says it never loads it (neverLoads); the function would fail to start`,
      );
    }
  }
  return problems;
}
