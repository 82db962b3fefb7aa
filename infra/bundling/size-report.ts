import type { BundleResult } from './bundle';

/**
 * Size budgets in bytes of the gzipped bundle (what Lambda stores and downloads on a
 * cold start), by function name. The minified size is printed beside it.
 */
export type Budgets = Readonly<Record<string, number>>;

export type BundleRow =
  | {
      name: string;
      entry: string;
      status: 'built';
      result: BundleResult;
      budget?: number;
      undeclared: string[];
    }
  | { name: string; entry: string; status: 'missing' }
  | { name: string; entry: string; status: 'error'; error: string };

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The table `build:lambdas` prints: one row per function. */
export function formatSizeTable(rows: BundleRow[]): string {
  const lines = rows.map((row) => {
    if (row.status === 'missing') return [row.name, '-', '-', 'missing (no entry point yet)'];
    if (row.status === 'error') return [row.name, '-', '-', `error: ${row.error}`];
    const { bytes, gzipBytes } = row.result;
    const budget =
      row.budget === undefined
        ? ''
        : gzipBytes > row.budget
          ? `OVER ${kb(row.budget)} budget`
          : `≤ ${kb(row.budget)}`;
    const notes = [budget, ...row.result.externals.map((e) => `+${e}`)].filter(Boolean).join(' ');
    return [row.name, kb(bytes), kb(gzipBytes), notes || 'ok'];
  });
  const header = ['function', 'raw', 'gzip', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

/** One message per broken expectation: a budget exceeded, an error, or a package not declared for install. */
export function bundleProblems(rows: BundleRow[]): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    if (row.status === 'error') problems.push(`${row.name}: ${row.entry} does not bundle: ${row.error}`);
    if (row.status !== 'built') continue;
    if (row.budget !== undefined && row.result.gzipBytes > row.budget) {
      const top = row.result.packages
        .slice(0, 5)
        .map((p) => `${p.name} ${kb(p.bytes)}`)
        .join(', ');
      problems.push(
        `${row.name}: bundle is ${kb(row.result.gzipBytes)} gzipped (${kb(row.result.bytes)} minified), over its ${kb(row.budget)} budget; largest: ${top}`,
      );
    }
    for (const name of row.undeclared) {
      problems.push(
        `${row.name}: imports ${name}, which infra/needs.ts does not install for it; it would be missing on Lambda`,
      );
    }
  }
  return problems;
}
