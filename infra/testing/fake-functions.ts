import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LAMBDA_PLUGINS } from '../lambda';
import { allLambdaSpecs } from '../needs';
import { repoRoot } from '../repo';

/**
 * A throwaway repository root holding an entry point for every Lambda spec
 * (`export const handler = ...`) and the esbuild plugins file functions name, with
 * `files` (paths relative to the root) written over them, for rules that read sources.
 */
export function fakeFunctionsRoot(files: Record<string, string> = {}): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'paperlane-infra-'));
  const all: Record<string, string> = {};
  for (const spec of allLambdaSpecs()) all[spec.entry] = 'export const handler = async () => ({});\n';
  all[LAMBDA_PLUGINS] = readFileSync(join(repoRoot(), LAMBDA_PLUGINS), 'utf8');
  Object.assign(all, files);
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
