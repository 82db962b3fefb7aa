/**
 * `npm run bench:coldstart [-- --runs 30] [-- --only ApiHandler,ThumbnailConsumer] [-- --node <bin>[,<bin>]] [-- --compile-cache]`:
 * for every Lambda bundle, N fresh Node processes that each import the bundle and
 * handle one canned event, beside a one-route Hono app bundled with the same options
 * (and two more peers: a framework-free handler, and the Hono app plus the AWS SDK
 * clients every Paperlane function creates at init, the floor of this stack). Runs are interleaved (one process of
 * each bundle, then again), so load from elsewhere on the machine hits all alike.
 * Prints medians: init (the import: Lambda's INIT phase without the runtime's own
 * start-up), first invoke, and the whole process (Node's boot included), each beside
 * the "Hono + the SDK clients" floor's (issue 14's target: init ≤ 1.5× that floor)
 * and the bare Hono hello world's.
 *
 * No AWS: `SST_RESOURCES_JSON` names stand-in resources and `AWS_ENDPOINT_URL`
 * points at a loopback stub that answers every call at once, so the figures hold
 * the SDK's client cost but no network latency. The events need no real data: the
 * API call is unauthenticated (401), the SQS record is a hostile body (dead-lettered:
 * one SendMessage to the stub), the schedules find nothing due.
 *
 * `--node` (or `BENCH_NODE`) runs the bundles under other `node` binaries too, each
 * target under each, interleaved; every ratio is against the floor under the same
 * Node. `--compile-cache` adds, per target and Node, a run with a warm
 * `NODE_COMPILE_CACHE` (primed by one unmeasured run): what a cache shipped with the
 * package would give at best (under Node ≥ 22 only: Node 20 has no compile cache).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { recordBenchFigure } from '@paperlane/testing/bench-figures';
import { startAwsStub } from '../../infra/bundling/aws-stub';
import { buildAllLambdas } from '../../infra/bundling/build-all';
import { type BundleResult, bundleLambda, bundlePath } from '../../infra/bundling/bundle';
import {
  benchNodes,
  type ColdStartTarget,
  coldStart,
  measureInterleaved,
  nodeVersion,
} from '../../infra/bundling/coldstart';
import { coldStartEnv } from '../../infra/bundling/fake-resources';
import { allLambdaSpecs, lambdaSpecs } from '../../infra/needs';
import { repoRoot } from '../../infra/repo';

const TARGET_RATIO = 1.5;

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function parseArgs(argv: string[]): {
  runs: number;
  only?: string[];
  nodes: string[];
  compileCache: boolean;
} {
  const raw = option(argv, 'runs');
  const runs = raw === undefined ? 30 : Number(raw);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) {
    console.error('bench:coldstart: --runs must be a whole number from 1 to 1000');
    process.exit(2);
  }
  const only = option(argv, 'only')?.split(',').filter(Boolean);
  const known = allLambdaSpecs().map((s) => s.name);
  const unknown = only?.filter((name) => !known.includes(name)) ?? [];
  if (unknown.length > 0) {
    console.error(`bench:coldstart: unknown function ${unknown.join(', ')}; known: ${known.join(', ')}`);
    process.exit(2);
  }
  return {
    runs,
    ...(only ? { only } : {}),
    nodes: benchNodes(option(argv, 'node'), process.env.BENCH_NODE),
    compileCache: argv.includes('--compile-cache'),
  };
}

const root = repoRoot();
const events = join(root, 'scripts/infra/events');
const EVENT_BY_FUNCTION: Record<string, string> = {
  [lambdaSpecs.api.name]: 'api-gateway-v2.json',
  [lambdaSpecs.websocket.name]: 'websocket-connect.json',
  [lambdaSpecs.sweeper.name]: 'scheduled.json',
  [lambdaSpecs.automationTick.name]: 'scheduled.json',
};
const eventFor = (name: string) => EVENT_BY_FUNCTION[name] ?? 'sqs.json';

const { runs, only, nodes, compileCache } = parseArgs(process.argv.slice(2));
const versions = await Promise.all(nodes.map(nodeVersion));
const specs = allLambdaSpecs().filter((s) => !only || only.includes(s.name));
const rows = await buildAllLambdas(root, { specs });
const hello = {
  hono: await bundleLambda(join(root, 'scripts/infra/hello/hono-hello.ts'), bundlePath(root, '_hello-hono')),
  plain: await bundleLambda(
    join(root, 'scripts/infra/hello/plain-hello.ts'),
    bundlePath(root, '_hello-plain'),
  ),
  sdk: await bundleLambda(join(root, 'scripts/infra/hello/sdk-hello.ts'), bundlePath(root, '_hello-sdk')),
};

const stub = await startAwsStub();
const env = (name: string): Record<string, string> => coldStartEnv(name, stub.endpoint);

const bundles: { name: string; event: string; bundle: BundleResult }[] = [
  { name: 'hello (Hono)', event: 'api-gateway-v2.json', bundle: hello.hono },
  { name: 'hello (plain)', event: 'api-gateway-v2.json', bundle: hello.plain },
  { name: 'hello + SDK clients', event: 'api-gateway-v2.json', bundle: hello.sdk },
  ...rows.flatMap((row) =>
    row.status === 'built' ? [{ name: row.name, event: eventFor(row.name), bundle: row.result }] : [],
  ),
];
const cacheRoot = join(root, '.tmp', 'coldstart-compile-cache');
rmSync(cacheRoot, { recursive: true, force: true });
// One row per bundle × Node (× cold/warm compile cache), interleaved in one run.
const hasCompileCache = (version: string) => Number(version.slice(1).split('.')[0]) >= 22;
const measured = nodes.flatMap((node, n) =>
  (compileCache && hasCompileCache(versions[n] as string) ? [false, true] : [false]).flatMap((warm) =>
    bundles.map((m) => {
      const cache = warm ? join(cacheRoot, `${n}-${m.bundle.file.split('/').at(-2)}`) : undefined;
      return {
        ...m,
        n,
        node: versions[n] as string,
        warm,
        target: {
          bundle: m.bundle.file,
          eventFile: join(events, m.event),
          env: env(m.name),
          node,
          ...(cache ? { compileCache: cache } : {}),
        } satisfies ColdStartTarget,
      };
    }),
  ),
);

let results: Awaited<ReturnType<typeof measureInterleaved>>;
try {
  for (const { target } of measured) {
    if (!target.compileCache) continue;
    mkdirSync(target.compileCache, { recursive: true });
    await coldStart(target.bundle, target.eventFile, target.env, target);
  }
  results = await measureInterleaved(
    measured.map((m) => m.target),
    runs,
  );
} finally {
  await stub.stop();
}

const ratio = (value: number, of: number) => (of > 0 ? value / of : Number.NaN);
const FLOOR = 'hello + SDK clients';
// Each row beside the peers measured under the same Node and cache.
const peer = (name: string, n: number, warm: boolean) =>
  results[measured.findIndex((m) => m.name === name && m.n === n && m.warm === warm)];
measured.forEach(({ name, n, node, warm }, i) => {
  const stats = results[i];
  const floor = peer(FLOOR, n, warm);
  // Issue 14's figures: each function's init beside the "Hono + the SDK clients" floor,
  // under the first Node asked for, without a compile cache (as Lambda starts).
  if (!stats || !floor || n > 0 || warm) return;
  if (name.startsWith('hello') || name === lambdaSpecs.websocket.name) return;
  recordBenchFigure({
    figure: `${name} init vs the Hono + SDK clients floor`,
    ours: stats.initMs,
    peer: floor.initMs,
    unit: 'ms',
    target: { atMost: TARGET_RATIO },
    command: `npm run build:lambdas && npm run bench:coldstart${nodes[0] === process.execPath ? '' : ` -- --node ${nodes[0]}`} (node ${node})`,
  });
});
const table = [
  [
    'function',
    'node',
    'event',
    'init KB',
    'init ms',
    'invoke ms',
    'process ms',
    'init × floor',
    'process × floor',
    'init × hello',
    'process × hello',
    'outcome',
  ],
  ...measured.map(({ name, n, node, warm, event, bundle }, i) => {
    const stats = results[i];
    const floor = peer(FLOOR, n, warm);
    const base = peer('hello (Hono)', n, warm);
    if (!stats || !floor || !base) throw new Error(`no result for ${name}`);
    const floorRatio = ratio(stats.initMs, floor.initMs);
    const mark = name.startsWith('hello') ? '' : floorRatio <= TARGET_RATIO ? ' ✓' : ' ✗';
    return [
      name,
      warm ? `${node} warm cache` : node,
      event.replace('.json', ''),
      (bundle.initBytes / 1024).toFixed(1),
      stats.initMs.toFixed(1),
      stats.invokeMs.toFixed(1),
      stats.processMs.toFixed(1),
      `${floorRatio.toFixed(2)}${mark}`,
      ratio(stats.processMs, floor.processMs).toFixed(2),
      ratio(stats.initMs, base.initMs).toFixed(2),
      ratio(stats.processMs, base.processMs).toFixed(2),
      stats.outcomes.join(' | ').slice(0, 120),
    ];
  }),
];
const widths = (table[0] as string[]).map((_, i) => Math.max(...table.map((r) => (r[i] as string).length)));
for (const [index, row] of table.entries()) {
  console.log(
    row
      .map((cell, i) =>
        i >= 3 && i <= 10 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number),
      )
      .join('  ')
      .trimEnd(),
  );
  if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
const missing = rows.filter((r) => r.status !== 'built').map((r) => r.name);
console.log(
  `bench:coldstart: medians of ${runs} fresh processes each, interleaved; target init ≤ ${TARGET_RATIO}× the "${FLOOR}" floor (× floor; ✓/✗ against it), each beside the peers under the same node${compileCache ? ' and cache' : ''}` +
    (missing.length > 0 ? `; not measured (no bundle): ${missing.join(', ')}` : ''),
);
