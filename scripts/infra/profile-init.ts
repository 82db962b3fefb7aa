/**
 * `npm run profile:init [-- --only ApiHandler] [-- --runs 5] [-- --event <file>] [-- --node <bin>]`: where a
 * function's init goes (with `--event`, init and the first invoke of that event: what a
 * cold request costs, lazily loaded chunks included). Builds it as deployed but
 * unminified (infra/bundling/init-profile.ts), then in fresh processes with bench:coldstart's environment (stand-in resources, AWS stub):
 * 1. imports it under V8's sampling profiler (100 µs) and prints self time by package
 *    and by file (source-mapped), beside GC, V8 outside JS and Node's ESM loader
 *    (under `--node`, or `BENCH_NODE`, another binary: Lambda runs nodejs22.x);
 * 2. imports a build whose modules are marked and prints each module's own top-level
 *    evaluation (what it calls included), the rest of the import being load, compile
 *    and link. Means over the runs. Profiling slows the import: read shares, not ms.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { startAwsStub } from '../../infra/bundling/aws-stub';
import { benchNodes, nodeVersion } from '../../infra/bundling/coldstart';
import { coldStartEnv } from '../../infra/bundling/fake-resources';
import {
  attributeSelfTime,
  byPackage,
  type CpuProfile,
  profileBuildOptions,
} from '../../infra/bundling/init-profile';
import { allLambdaSpecs } from '../../infra/needs';
import { repoRoot } from '../../infra/repo';

const run = promisify(execFile);
const RUNNER = fileURLToPath(new URL('../../infra/bundling/init-profile-runner.mjs', import.meta.url));

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
}

const argv = process.argv.slice(2);
const runs = Number(option(argv, 'runs') ?? 5);
const names = (option(argv, 'only') ?? 'ApiHandler').split(',');
const top = Number(option(argv, 'top') ?? 25);
const eventFile = option(argv, 'event');
const eventFlags = eventFile ? [`--event=${resolve(eventFile)}`] : [];
const phase = eventFile ? `init + first invoke of ${eventFile}` : 'init';
const [node, ...more] = benchNodes(option(argv, 'node'), process.env.BENCH_NODE) as [string, ...string[]];
if (more.length > 0) throw new Error('profile:init runs under one --node at a time');
const version = await nodeVersion(node);
const root = repoRoot();
const out = join(root, 'dist/profile');

const tmpdirs = join(out, 'tmp');
mkdirSync(tmpdirs, { recursive: true });
const stub = await startAwsStub();
// An empty TMPDIR per process, as Lambda's /tmp at a cold start: Node 22's compile cache lives there.
const env = (name: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  TMPDIR: mkdtempSync(join(tmpdirs, 'run-')),
  ...coldStartEnv(name, stub.endpoint),
});

function table(title: string, totals: Map<string, number>, total: number, limit: number): void {
  console.log(`\n${title}`);
  const rows = [...totals].sort((a, b) => b[1] - a[1]);
  for (const [name, ms] of rows.slice(0, limit)) {
    console.log(
      `${(ms / runs).toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${name}`,
    );
  }
  if (rows.length > limit) {
    const rest = rows.slice(limit).reduce((sum, [, ms]) => sum + ms, 0);
    console.log(
      `${(rest / runs).toFixed(1).padStart(8)} ms ${((100 * rest) / total).toFixed(1).padStart(5)} %  (${rows.length - limit} more)`,
    );
  }
}

const add = (into: Map<string, number>, from: Iterable<[string, number]>) => {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
};

try {
  for (const name of names) {
    const spec = allLambdaSpecs().find((s) => s.name === name);
    if (!spec) throw new Error(`unknown function ${name}`);
    const dirs = { plain: join(out, name), timed: join(out, `${name}-timed`) };
    for (const [kind, dir] of Object.entries(dirs)) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await build(await profileBuildOptions(root, spec, dir, kind === 'timed'));
    }
    const files = new Map<string, number>();
    const modules = new Map<string, number>();
    let sampledInit = 0;
    let timedInit = 0;
    for (let i = 0; i < runs; i++) {
      const cpu = join(out, `${name}-${i}.cpuprofile`);
      const a = await run(
        node,
        ['--no-warnings', RUNNER, join(dirs.plain, 'bundle.mjs'), cpu, ...eventFlags],
        { env: env(name) },
      );
      const sampledRun = JSON.parse(a.stdout) as { initMs: number; invokeMs: number };
      sampledInit += sampledRun.initMs + sampledRun.invokeMs;
      add(files, attributeSelfTime(JSON.parse(readFileSync(cpu, 'utf8')) as CpuProfile, root));
      const marks = join(out, `${name}-${i}.marks.json`);
      await run(
        node,
        ['--no-warnings', RUNNER, join(dirs.timed, 'bundle.mjs'), marks, '--timed', ...eventFlags],
        { env: env(name) },
      );
      const timed = JSON.parse(readFileSync(marks, 'utf8')) as {
        initMs: number;
        invokeMs: number;
        selfMs: Record<string, number>;
      };
      timedInit += timed.initMs + timed.invokeMs;
      add(modules, Object.entries(timed.selfMs));
    }
    const sampled = [...files.values()].reduce((a, b) => a + b, 0);
    console.log(
      `\n== ${name}: ${phase} ${(sampledInit / runs).toFixed(1)} ms under the profiler (${(sampled / runs).toFixed(1)} ms sampled), mean of ${runs}, node ${version}`,
    );
    table('self time by package (CPU profile)', byPackage(files), sampled, top);
    const ours = new Map([...files].filter(([f]) => f.startsWith('packages/')));
    table('self time, our files (CPU profile)', ours, sampled, top);
    const evaluated = [...modules.values()].reduce((a, b) => a + b, 0);
    console.log(
      `\n== ${name} with module marks: ${phase} ${(timedInit / runs).toFixed(1)} ms, of which module bodies ${(evaluated / runs).toFixed(1)} ms; the rest (${((timedInit - evaluated) / runs).toFixed(1)} ms) is load, compile and link${eventFile ? ', and the invoke outside module bodies' : ''}`,
    );
    table('top-level evaluation by package (what it calls included)', byPackage(modules), timedInit, top);
    table('top-level evaluation by module', modules, timedInit, top);
  }
} finally {
  await stub.stop();
  rmSync(tmpdirs, { recursive: true, force: true });
}
