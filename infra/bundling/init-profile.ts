import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, extname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';
import { nodejsArgs } from '../lambda';
import type { LambdaSpec } from '../needs';
import { packageOf, sstBuildOptions } from './bundle';

/** The slice of a `.cpuprofile` (V8 inspector `Profiler.Profile`) this reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
    positionTicks?: { line: number; ticks: number }[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Buckets that are not a package's code. */
export const GC = '(garbage collector)';
export const PROGRAM = '(program: V8 outside JS, e.g. parse/compile)';
export const LOADER = '(Node ESM loader: read, compile, link)';
export const OTHER = '(other)';

const MARK = '__paperlaneInitMark';
const LOADERS: Record<string, 'ts' | 'js'> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
};
const PROLOGUE = /^(?:#![^\n]*\n)?(?:\s*(?:'use strict'|"use strict");?)?/;

/**
 * An esbuild plugin for profiling builds only: every module's body is wrapped in two
 * calls to `globalThis.__paperlaneInitMark(id, end)` (init-profile-runner.mjs defines
 * it), so the runner can time each module's own top-level code, what it calls included
 * (`z.object(...)` at a schema module's top level counts for that module, not for zod).
 * Not a deploy build: a module no one uses is kept (a call is a side effect), and a
 * `'use strict'` prologue stays first but nothing else is guaranteed.
 */
export function moduleMarks(root: string): Plugin {
  return {
    name: 'init-profile-module-marks',
    setup(build) {
      build.onLoad({ filter: /\.(?:[cm]?js|m?ts)$/ }, async (args) => {
        const loader = LOADERS[extname(args.path)];
        if (!loader || args.path.endsWith('.d.ts')) return undefined;
        const source = await readFile(args.path, 'utf8');
        const id = JSON.stringify(relative(root, args.path));
        const prologue = PROLOGUE.exec(source)?.[0] ?? '';
        return {
          contents: `${prologue}\nglobalThis.${MARK}(${id}, false);\n${source.slice(prologue.length)}\n;globalThis.${MARK}(${id}, true);\n`,
          loader,
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/**
 * The esbuild options to profile `spec`'s init with: the deploy build's own options
 * (sstBuildOptions); for the CPU profile not minified, so each source line stays on
 * its own line and the profile's line ticks map back to files; with `timed`, minified
 * as deployed (load and compile as on Lambda) plus the module marks.
 */
export async function profileBuildOptions(
  root: string,
  spec: Pick<LambdaSpec, 'entry' | 'external' | 'neverLoads'>,
  outdir: string,
  timed: boolean,
): Promise<BuildOptions> {
  const options = await sstBuildOptions(resolve(root, spec.entry), outdir, {
    ...nodejsArgs(spec),
    minify: timed,
  });
  return timed ? { ...options, plugins: [...(options.plugins ?? []), moduleMarks(root)] } : options;
}

interface MappedFile {
  map: SourceMap;
  lines: string[];
  sources: string;
}

/**
 * Self time of one profile by source: each sample's leaf frame, mapped through the
 * bundle's source maps (line ticks when V8 gives them, else the function's start) to
 * a file under `root`. A native frame (no URL) counts for the nearest bundle frame
 * above it, or for the ESM loader when Node's loader is nearer. Milliseconds by file.
 */
export function attributeSelfTime(profile: CpuProfile, root: string): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time before sample i: sample i lasts until sample i + 1.
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const files = new Map<string, MappedFile | null>();
  const mapped = (url: string): MappedFile | null => {
    if (!files.has(url)) {
      try {
        const path = fileURLToPath(url);
        const payload = JSON.parse(readFileSync(`${path}.map`, 'utf8')) as SourceMapPayload;
        files.set(url, {
          map: new SourceMap(payload),
          lines: readFileSync(path, 'utf8').split('\n'),
          sources: dirname(path),
        });
      } catch {
        files.set(url, null);
      }
    }
    return files.get(url) ?? null;
  };
  const sourceAt = (file: MappedFile, line0: number, fallbackColumn: number): string => {
    const text = file.lines[line0] ?? '';
    const column = Math.max(text.search(/\S/), 0) || fallbackColumn;
    const entry = file.map.findEntry(line0, column) as { originalSource?: string };
    if (!entry.originalSource) return OTHER;
    const source = entry.originalSource.startsWith('file:')
      ? fileURLToPath(entry.originalSource)
      : resolve(file.sources, entry.originalSource);
    return relative(root, source);
  };
  const out = new Map<string, number>();
  const add = (key: string, us: number) => out.set(key, (out.get(key) ?? 0) + us / 1000);
  for (const [id, us] of selfUs) {
    let node = byId.get(id);
    if (!node || us === 0) continue;
    const name = node.callFrame.functionName;
    if (name === '(garbage collector)') add(GC, us);
    else if (name === '(program)') add(PROGRAM, us);
    else if (name === '(idle)' || name === '(root)') add(OTHER, us);
    else {
      // Up to the nearest frame with a file: the bundle's own, or Node's loader.
      let up = node;
      while (up && !up.callFrame.url) up = byId.get(parent.get(up.id) ?? -1) as typeof up;
      if (!up) add(OTHER, us);
      else if (up.callFrame.url.startsWith('node:')) add(LOADER, us);
      else {
        const file = mapped(up.callFrame.url);
        if (!file) add(OTHER, us);
        else if (up === node && node.positionTicks?.length) {
          const ticks = node.positionTicks.reduce((sum, p) => sum + p.ticks, 0);
          for (const p of node.positionTicks) add(sourceAt(file, p.line - 1, 0), (us * p.ticks) / ticks);
        } else add(sourceAt(file, up.callFrame.lineNumber, up.callFrame.columnNumber), us);
      }
      node = undefined;
    }
  }
  return out;
}

/** Sums `byFile` by package (`packageOf`); the parenthesised buckets stay as they are. */
export function byPackage(byFile: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [file, ms] of byFile) {
    const name = file.startsWith('(') ? file : packageOf(file);
    out.set(name, (out.get(name) ?? 0) + ms);
  }
  return out;
}
