import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeModulesAbove, repoRoot } from './repo';

const base = mkdtempSync(join(tmpdir(), 'paperlane-repo-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('nodeModulesAbove', () => {
  it('finds a clone under the temp dir from its scratch folder, and nothing from a sibling folder', () => {
    // The layout CI gets when it clones under /tmp: the clone's node_modules is above its .tmp/, not above /tmp/x.
    const clone = join(base, 'clone');
    mkdirSync(join(clone, 'node_modules'), { recursive: true });
    mkdirSync(join(clone, 'packages/api/node_modules'), { recursive: true });
    mkdirSync(join(clone, '.tmp/bundling-1'), { recursive: true });
    mkdirSync(join(base, 'lambda-1'), { recursive: true });
    const within = (dirs: string[]) => dirs.filter((d) => d.startsWith(base));
    expect(within(nodeModulesAbove(join(clone, '.tmp/bundling-1')))).toEqual([join(clone, 'node_modules')]);
    expect(within(nodeModulesAbove(join(clone, 'packages/api/src')))).toEqual([
      join(clone, 'packages/api/node_modules'),
      join(clone, 'node_modules'),
    ]);
    expect(within(nodeModulesAbove(join(base, 'lambda-1')))).toEqual([]);
  });

  it("lists the repository's own node_modules from its root", () => {
    expect(nodeModulesAbove(repoRoot())[0]).toBe(join(repoRoot(), 'node_modules'));
  });
});
