import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../repo';
import { attributeSelfTime, byPackage, type CpuProfile, GC, LOADER, moduleMarks } from './init-profile';

const root = repoRoot();
mkdirSync(join(root, '.tmp'), { recursive: true });
const scratch = mkdtempSync(join(root, '.tmp', 'init-profile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const bundleTo = (entry: string, outfile: string, extra: BuildOptions) =>
  build({
    entryPoints: [join(scratch, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    ...extra,
  });

const frame = (
  id: number,
  functionName: string,
  url: string,
  lineNumber: number,
  children: number[] = [],
) => ({
  id,
  callFrame: { functionName, url, lineNumber, columnNumber: 0 },
  children,
});

describe('init profile', () => {
  it("marks each module's body, in evaluation order, so the runner can time it", async () => {
    writeFileSync(
      join(scratch, 'schemas.ts'),
      "'use strict';\nexport const big = Array.from({ length: 3 }, (_, i) => i);\n",
    );
    writeFileSync(
      join(scratch, 'entry.ts'),
      "import { big } from './schemas';\nexport const total = big.length;\n",
    );
    const out = join(scratch, 'marked.mjs');
    await bundleTo('entry.ts', out, { plugins: [moduleMarks(scratch)] });
    const marks: [string, boolean][] = [];
    const g = globalThis as { __paperlaneInitMark?: (id: string, end: boolean) => void };
    g.__paperlaneInitMark = (id, end) => marks.push([id, end]);
    try {
      const mod = (await import(pathToFileURL(out).href)) as { total: number };
      expect(mod.total).toBe(3);
    } finally {
      delete g.__paperlaneInitMark;
    }
    expect(marks).toEqual([
      ['schemas.ts', false],
      ['schemas.ts', true],
      ['entry.ts', false],
      ['entry.ts', true],
    ]);
  });

  it('charges a sample to its source file, a native frame to its caller, and loader and GC time apart', async () => {
    writeFileSync(
      join(scratch, 'zodlike.ts'),
      'export function build(n: number) {\n  return Array.from({ length: n }, (_, i) => ({ i }));\n}\n',
    );
    writeFileSync(
      join(scratch, 'ours.ts'),
      "import { build } from './zodlike';\nexport const made = build(2);\n",
    );
    const out = join(scratch, 'mapped', 'bundle.mjs');
    await bundleTo('ours.ts', out, { sourcemap: 'linked' });
    const url = pathToFileURL(out).href;
    const lines = readFileSync(out, 'utf8').split('\n');
    const buildLine = lines.findIndex((l) => l.includes('function build'));
    const profile: CpuProfile = {
      nodes: [
        frame(1, '(root)', '', -1, [2, 3, 6]),
        frame(2, '(garbage collector)', '', -1),
        frame(3, '', url, 0, [4]),
        { ...frame(4, 'build', url, buildLine, [5]), positionTicks: [{ line: buildLine + 2, ticks: 1 }] },
        frame(5, 'from', '', -1),
        frame(6, 'compileSourceTextModule', 'node:internal/modules/esm/utils', 10, [7]),
        frame(7, 'ModuleWrap', '', -1),
      ],
      // Each sample lasts until the next: 2 ms in build, 1 ms in Array.from, 4 ms compiling, 3 ms GC.
      samples: [4, 5, 7, 2, 1],
      timeDeltas: [0, 2000, 1000, 4000, 3000],
    };
    const byFile = attributeSelfTime(profile, scratch);
    expect(byFile.get('zodlike.ts')).toBeCloseTo(3);
    expect(byFile.get(LOADER)).toBeCloseTo(4);
    expect(byFile.get(GC)).toBeCloseTo(3);
    expect([
      ...byPackage(
        new Map([
          ['node_modules/zod/v4/core/core.js', 2],
          ['packages/api/src/app.ts', 1],
          [GC, 3],
        ]),
      ),
    ]).toEqual([
      ['zod', 2],
      ['@paperlane/api', 1],
      [GC, 3],
    ]);
  });
});
