/**
 * `npm run bench:summary` (the last step of `npm run bench`): issue 14's table from the
 * figures the benches just recorded, each beside its peer with its target.
 * `npm run bench:summary -- --clear` empties the record first (`npm run bench` does).
 */
import { clearBenchFigures, readBenchFigures } from '@paperlane/testing/bench-figures';

if (process.argv.includes('--clear')) {
  clearBenchFigures();
  process.exit(0);
}
const figures = readBenchFigures();
if (figures.length === 0) {
  console.log('bench:summary: no figures recorded; run npm run bench (or one bench:*) first');
  process.exit(0);
}
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
/** A target as people read it: `1 / 0.9` is 1.11, not 1.1111111111111112. */
const round = (n: number) => Number(n.toFixed(2));
const rows = figures.map((f) => {
  const ratio = f.ours / f.peer;
  const met = 'atLeast' in f.target ? ratio >= f.target.atLeast : ratio <= f.target.atMost;
  const target = 'atLeast' in f.target ? `≥ ${round(f.target.atLeast)}×` : `≤ ${round(f.target.atMost)}×`;
  return [
    f.figure,
    `${fmt(f.ours)} vs ${fmt(f.peer)} ${f.unit}`,
    `${ratio.toFixed(2)}×`,
    target,
    met
      ? 'met'
      : f.ceiling
        ? `NOT met (ceiling ${f.ceiling.ratio.toFixed(2)}×: ${f.ceiling.why})`
        : 'NOT met',
    f.command,
  ];
});
const header = ['figure', 'ours vs peer', 'ratio', 'target', '', 'command'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
console.log('\nIssue 14 figures, this run:');
for (const [i, row] of [header, ...rows].entries()) {
  console.log(row.map((cell, c) => cell.padEnd(widths[c] as number)).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
