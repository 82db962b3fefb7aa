import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportsName, resolveHandler, resourceReferences } from './source-scan';

const root = mkdtempSync(join(tmpdir(), 'paperlane-scan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, content: string): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
}

describe('exportsName', () => {
  it.each([
    ['export const handler = () => 1;'],
    ['export let handler;'],
    ['export async function handler(event) {}'],
    ['export function handler() {}'],
    ['const run = () => 1;\nexport { run as handler };'],
    ['export { handler } from "./impl";'],
    ['export {\n  other,\n  handler,\n};'],
  ])('sees %j', (source) => {
    expect(exportsName(file('a/entry.ts', source), 'handler')).toBe(true);
  });

  it.each([
    ['export const handlers = [];'],
    ['// export const handler = 1;\nexport const main = 1;'],
    ['/* export function handler() {} */'],
    ['const handler = 1;'],
    ['export { handler as main };'],
  ])('does not see %j', (source) => {
    expect(exportsName(file('b/entry.ts', source), 'handler')).toBe(false);
  });

  it('follows export * from a relative module, without looping on cycles', () => {
    file('c/impl.ts', 'export * from "./entry";\nexport const handler = 1;');
    expect(exportsName(file('c/entry.ts', 'export * from "./impl";'), 'handler')).toBe(true);
    file('d/x.ts', 'export * from "./y";');
    file('d/y.ts', 'export * from "./x";');
    expect(exportsName(join(root, 'd/x.ts'), 'handler')).toBe(false);
  });
});

describe('resolveHandler', () => {
  it('finds the file the way SST does: strip the export, try .ts, .js, ...', () => {
    file('fn/api.mjs', 'export const handler = 1;');
    expect(resolveHandler(root, 'fn/api.handler')).toEqual({
      file: join(root, 'fn/api.mjs'),
      exportName: 'handler',
    });
    expect(resolveHandler(root, 'fn/api.ts.handler').file).toBeUndefined();
  });
});

describe('resourceReferences', () => {
  it('collects Resource.X and Resource["X"] across relative imports inside the boundary only', () => {
    const boundary = join(root, 'functions');
    file(
      'functions/lambda/entry.ts',
      "import { deps } from '../deps';\nexport const handler = () => Resource.Jobs.name;",
    );
    file('functions/deps.ts', "import '../../outside';\nexport const deps = () => Resource['Files'].name;");
    file('outside.ts', 'export const x = Resource.Secret.value;');
    const names = resourceReferences(join(boundary, 'lambda/entry.ts'), boundary);
    expect([...names].sort()).toEqual(['Files', 'Jobs']);
  });
});
