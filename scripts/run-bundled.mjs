#!/usr/bin/env node
// Bundles a TypeScript entry with esbuild the way Lambda bundles are built (no
// tsx transform hooks, no keep-names wrappers) and runs it with plain node, so
// benchmarks measure the code users run. npm packages stay external; workspace
// packages (@paperlane/*, TypeScript sources) are bundled.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-bundled.mjs <entry.ts> [args...]');
  process.exit(2);
}
const outdir = resolve('.tmp/bundled');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${basename(entry).replace(/\.ts$/, '')}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
  plugins: [
    {
      name: 'externalize-npm-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@paperlane/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
// The AWS SDK's notice about Node 20 support would interleave with the figures.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env };
const run = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], {
  stdio: 'inherit',
  env,
});
process.exit(run.status ?? 1);
