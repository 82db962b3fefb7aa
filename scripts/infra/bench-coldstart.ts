/**
 * `npm run bench:coldstart [-- --runs 30]`: for every Lambda bundle, N fresh Node
 * processes that each import the bundle and handle one canned event, beside a
 * one-route Hono app bundled with the same options. Prints median init (import)
 * and first-invoke times and the ratio to the Hono baseline (target ≤ 1.5×).
 *
 * No AWS: `SST_RESOURCES_JSON` names stand-in resources and `AWS_ENDPOINT_URL`
 * points at a loopback stub that answers every call at once, so the figures hold
 * the SDK's client cost but no network latency. The events need no real data: the
 * API call is unauthenticated (401), the SQS record is a hostile body (dead-lettered:
 * one SendMessage to the stub), the schedules find nothing due.
 */
import { join } from 'node:path';
import { startAwsStub } from '../../infra/bundling/aws-stub';
import { buildAllLambdas } from '../../infra/bundling/build-all';
import { bundleLambda, bundlePath } from '../../infra/bundling/bundle';
import { type ColdStartStats, measureColdStarts } from '../../infra/bundling/coldstart';
import { fakeSstResources } from '../../infra/bundling/fake-resources';
import { lambdaSpecs } from '../../infra/needs';
import { repoRoot } from '../../infra/repo';

const TARGET_RATIO = 1.5;

function parseRuns(argv: string[]): number {
  const at = argv.indexOf('--runs');
  const raw = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length);
  const runs = raw === undefined ? 30 : Number(raw);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) {
    console.error('bench:coldstart: --runs must be a whole number from 1 to 1000');
    process.exit(2);
  }
  return runs;
}

const root = repoRoot();
const events = join(root, 'scripts/infra/events');
const EVENT_BY_FUNCTION: Record<string, string> = {
  [lambdaSpecs.api.name]: 'api-gateway-v2.json',
  [lambdaSpecs.websocket.name]: 'websocket-connect.json',
  [lambdaSpecs.sweeper.name]: 'scheduled.json',
  [lambdaSpecs.automationTick.name]: 'scheduled.json',
  [lambdaSpecs.emailSyncTick.name]: 'scheduled.json',
};
const eventFor = (name: string) => EVENT_BY_FUNCTION[name] ?? 'sqs.json';

const runs = parseRuns(process.argv.slice(2));
const rows = await buildAllLambdas(root);
const hello = {
  hono: await bundleLambda(join(root, 'scripts/infra/hello/hono-hello.ts'), bundlePath(root, '_hello-hono')),
  plain: await bundleLambda(
    join(root, 'scripts/infra/hello/plain-hello.ts'),
    bundlePath(root, '_hello-plain'),
  ),
};

const stub = await startAwsStub();
const env = (name: string): Record<string, string> => ({
  AWS_ENDPOINT_URL: stub.endpoint,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: name,
  AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
  NODE_ENV: 'production',
  LOG_LEVEL: 'error',
  SST_RESOURCES_JSON: JSON.stringify(fakeSstResources(stub.endpoint)),
});

const results: { name: string; event: string; kb: number; stats: ColdStartStats }[] = [];
try {
  const api = join(events, 'api-gateway-v2.json');
  results.push({
    name: 'hello (Hono)',
    event: 'api-gateway-v2.json',
    kb: hello.hono.bytes / 1024,
    stats: await measureColdStarts(hello.hono.file, api, env('hello'), runs),
  });
  results.push({
    name: 'hello (plain)',
    event: 'api-gateway-v2.json',
    kb: hello.plain.bytes / 1024,
    stats: await measureColdStarts(hello.plain.file, api, env('hello'), runs),
  });
  for (const row of rows) {
    if (row.status !== 'built') continue;
    const event = eventFor(row.name);
    const stats = await measureColdStarts(row.result.file, join(events, event), env(row.name), runs);
    results.push({ name: row.name, event, kb: row.result.bytes / 1024, stats });
  }
} finally {
  await stub.stop();
}

const baseline = results[0]?.stats.totalMs ?? Number.NaN;
const table = [
  ['function', 'event', 'bundle', 'init ms', 'invoke ms', 'total ms', '× hello', 'outcome'],
  ...results.map(({ name, event, kb, stats }) => {
    const ratio = stats.totalMs / baseline;
    const mark = name.startsWith('hello') ? '' : ratio <= TARGET_RATIO ? ' ✓' : ' ✗';
    return [
      name,
      event.replace('.json', ''),
      `${kb.toFixed(1)} KB`,
      stats.initMs.toFixed(1),
      stats.invokeMs.toFixed(1),
      stats.totalMs.toFixed(1),
      `${ratio.toFixed(2)}${mark}`,
      stats.outcomes.join(' | '),
    ];
  }),
];
const widths = (table[0] as string[]).map((_, i) => Math.max(...table.map((r) => (r[i] as string).length)));
for (const [index, row] of table.entries()) {
  console.log(
    row
      .map((cell, i) =>
        i >= 2 && i <= 6 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number),
      )
      .join('  ')
      .trimEnd(),
  );
  if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
const missing = rows.filter((r) => r.status !== 'built').map((r) => r.name);
console.log(
  `bench:coldstart: medians of ${runs} fresh processes each; target ≤ ${TARGET_RATIO}× the Hono hello-world` +
    (missing.length > 0 ? `; not measured (no bundle): ${missing.join(', ')}` : ''),
);
