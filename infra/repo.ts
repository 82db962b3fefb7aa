import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root: the nearest folder up from the working directory holding
 * `sst.config.ts`. Not derived from `import.meta.url`, because SST bundles the
 * config into `.sst/` before running it; SST, npm scripts and vitest all run
 * from the root or below it.
 */
export function repoRoot(from = process.cwd()): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'sst.config.ts'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no sst.config.ts in ${from} or above it; run from the repository`);
    dir = parent;
  }
}

/**
 * The `node_modules` folders Node searches for a bare import from `dir`: one in `dir`
 * and in each folder above it, nearest first.
 */
export function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules'))) found.push(join(at, 'node_modules'));
    if (dirname(at) === at) return found;
  }
}

/**
 * Where an npm package is installed, looked up the way Node would from a workspace
 * folder, then the root (package.json itself, since `exports` may hide it from require).
 */
export function installedPackageDir(name: string, fromPackage = 'packages/adapters'): string {
  const root = repoRoot();
  for (const base of [join(root, fromPackage), root]) {
    const dir = join(base, 'node_modules', name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`${name} is not installed (looked under ${fromPackage} and the root); run npm ci`);
}

/**
 * The installed version of an npm package (see `installedPackageDir`). The lockfile
 * decides it, so a deploy packages the version the tests ran against.
 */
export function installedVersion(name: string, fromPackage = 'packages/adapters'): string {
  const manifest = join(installedPackageDir(name, fromPackage), 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${manifest} has no version`);
  return version;
}

/** A workspace package's dependencies, to derive what it installs (e.g. OCR languages). */
export function workspaceDependencies(folder: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(repoRoot(), folder, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return manifest.dependencies ?? {};
}
