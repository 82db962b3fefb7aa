import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import type { ExternalPackage } from '../needs';

/** Every package installed beside a bundle rather than bundled (see `ExternalPackage`). */
export const EXTERNAL_PACKAGES: readonly ExternalPackage[] = [
  'sharp',
  '@napi-rs/canvas',
  'pdfjs-dist',
  'tesseract.js',
];

/**
 * SST prepends this to ESM bundles: bundled CommonJS dependencies call `require`
 * and read `__dirname`, which ESM lacks. Our bundles carry the same banner, so
 * they behave (and weigh) as deployed.
 */
const ESM_REQUIRE_SHIM = [
  "import { createRequire as topLevelCreateRequire } from 'module';",
  'const require = topLevelCreateRequire(import.meta.url);',
  "import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from 'url';",
  'const __filename = topLevelFileUrlToPath(import.meta.url);',
  "const __dirname = topLevelFileUrlToPath(new topLevelURL('.', import.meta.url));",
].join('\n');

/**
 * The options SST v4 bundles a nodejs22.x function with when deploying, spelled
 * out: ESM, minified, tree-shaken, names kept, `module` before `main`. The AWS SDK
 * is bundled (Lambda's built-in copy is not used), so each function carries only
 * the clients it imports.
 */
export function bundleOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    treeShaking: true,
    keepNames: true,
    mainFields: ['module', 'main'],
    external: [...EXTERNAL_PACKAGES, ...EXTERNAL_PACKAGES.map((p) => `${p}/*`)],
    banner: { js: ESM_REQUIRE_SHIM },
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  };
}

export interface BundleResult {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Packages the bundle imports but leaves out (installed beside it on deploy). */
  externals: string[];
  /** npm packages by bytes they contribute, largest first. */
  packages: { name: string; bytes: number }[];
}

function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('packages/') ? `@paperlane/${input.split('/')[1]}` : input;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

/** Bytes each package contributes to one output, from esbuild's metafile. */
export function packageSizes(metafile: Metafile): { name: string; bytes: number }[] {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** The bare packages a bundle imports and leaves external (not Node built-ins). */
export function externalImports(metafile: Metafile): string[] {
  const found = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imp of input.imports) {
      if (!imp.external || imp.path.startsWith('node:') || imp.path.startsWith('.')) continue;
      const name = imp.path.startsWith('@')
        ? imp.path.split('/').slice(0, 2).join('/')
        : (imp.path.split('/')[0] as string);
      if ((EXTERNAL_PACKAGES as readonly string[]).includes(name)) found.add(name);
    }
  }
  return [...found].sort();
}

/** Bundles one entry point to `outfile` and measures it; writes the metafile beside it. */
export async function bundleLambda(entry: string, outfile: string): Promise<BundleResult> {
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build(bundleOptions(entry, outfile));
  const metafile = result.metafile as Metafile;
  writeFileSync(outfile.replace(/\.mjs$/, '.meta.json'), JSON.stringify(metafile));
  const code = readFileSync(outfile);
  return {
    file: outfile,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    externals: externalImports(metafile),
    packages: packageSizes(metafile),
  };
}

/** Where `build:lambdas` writes, and `bench:coldstart` reads, the bundles. */
export function bundlePath(root: string, name: string): string {
  return join(root, 'dist/lambdas', `${name}.mjs`);
}
