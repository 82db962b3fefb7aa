/**
 * `npm run build:lambdas`: bundles every Lambda entry point the way SST deploys it
 * (see infra/bundling/bundle.ts) into dist/lambdas/, prints raw and gzip sizes, and
 * fails when the API bundle is over budget, a bundle does not build, or a bundle
 * needs a native package infra does not install for it. Entry points not written
 * yet are listed as missing.
 */
import { buildAllLambdas } from '../../infra/bundling/build-all';
import { bundleProblems, formatSizeTable } from '../../infra/bundling/size-report';
import { repoRoot } from '../../infra/repo';

const rows = await buildAllLambdas(repoRoot());
console.log(formatSizeTable(rows));
for (const row of rows) {
  if (row.status !== 'built') continue;
  for (const { name, copies } of row.result.duplicates) {
    console.log(`note: ${row.name} bundles ${copies.length} copies of ${name} (${copies.join(', ')})`);
  }
}
const problems = bundleProblems(rows);
for (const problem of problems) console.error(`✗ ${problem}`);
const built = rows.filter((r) => r.status === 'built').length;
console.log(
  `build:lambdas: ${built} built into dist/lambdas, ${rows.filter((r) => r.status === 'missing').length} missing`,
);
process.exitCode = problems.length > 0 ? 1 : 0;
