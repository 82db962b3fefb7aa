import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

/** The extensions SST tries, in its order, when it resolves a handler. */
const NODE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** SST's handler format `dir/file.export`, split and resolved as SST does. */
export function resolveHandler(root: string, handler: string): { file?: string; exportName: string } {
  const dot = basename(handler).lastIndexOf('.');
  const exportName = dot > 0 ? basename(handler).slice(dot + 1) : '';
  const base = dot > 0 ? basename(handler).slice(0, dot) : basename(handler);
  for (const ext of NODE_EXTENSIONS) {
    const file = resolve(root, dirname(handler), base + ext);
    if (existsSync(file)) return { file, exportName };
  }
  return { exportName };
}

/** Source without comments, so a commented-out export or `Resource.X` does not count. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[\s;{}()])\/\/.*$/gm, '$1');
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    ...NODE_EXTENSIONS.map((e) => base + e),
    ...NODE_EXTENSIONS.map((e) => join(base, `index${e}`)),
  ];
  // `./x.js` written for NodeNext resolution names `./x.ts`.
  if (/\.[cm]?js$/.test(base)) candidates.push(...NODE_EXTENSIONS.map((e) => base.replace(/\.[cm]?js$/, e)));
  return candidates.find((c) => existsSync(c) && !c.endsWith('/'));
}

const escapeDollar = (s: string) => s.replace(/[$]/g, '\\$');

/**
 * Whether a module exports `name`, read statically: `export const|let|var name`,
 * `export [async] function name`, `export { x as name }`, `export { name } from`,
 * following `export * from './relative'`.
 */
export function exportsName(file: string, name: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const source = code(file);
  const n = escapeDollar(name);
  if (new RegExp(`export\\s+(?:declare\\s+)?(?:const|let|var)\\s+${n}\\b`).test(source)) return true;
  if (new RegExp(`export\\s+(?:async\\s+)?function\\s*\\*?\\s*${n}\\b`).test(source)) return true;
  for (const match of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    const names = (match[1] ?? '').split(',').map((item) =>
      item
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim(),
    );
    if (names.includes(name)) return true;
  }
  for (const match of source.matchAll(/export\s+\*\s+from\s+['"](\.[^'"]+)['"]/g)) {
    const target = resolveRelative(file, match[1] as string);
    if (target && exportsName(target, name, seen)) return true;
  }
  return false;
}

/**
 * The `Resource.<Name>` (and `Resource['Name']`) a module reads, following its
 * relative imports that stay under `boundary` (the functions package). Lookups
 * by a computed key cannot be seen and are not counted.
 */
export function resourceReferences(file: string, boundary: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file) || relative(boundary, file).startsWith('..')) return names;
  seen.add(file);
  const source = code(file);
  for (const match of source.matchAll(
    /\bResource\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])/g,
  )) {
    names.add((match[1] ?? match[2]) as string);
  }
  for (const match of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
    const target = resolveRelative(file, match[1] as string);
    if (target) for (const name of resourceReferences(target, boundary, seen)) names.add(name);
  }
  return names;
}
