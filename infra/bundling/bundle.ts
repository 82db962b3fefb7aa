import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLING } from '../lambda';
import type { ExternalPackage } from '../needs';
import plugins from './esbuild-plugins.mjs';

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
  'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
  'const __filename = topLevelFileUrlToPath(import.meta.url)',
  'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
].join('\n');

/**
 * The options SST v4 bundles a nodejs22.x function with when deploying
 * (`pkg/runtime/node/build.go`), spelled out: ESM, minified, names kept, target
 * ES2023, `module` before `main`, the require banner, our plugins
 * (`nodejs.plugins`), and code splitting into `bundle.mjs` plus chunks
 * (`nodejs.splitting`). The AWS SDK is bundled (Lambda's built-in copy is not used),
 * so each function carries only the clients it imports.
 */
export function bundleOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
    outdir,
    entryNames: 'bundle',
    outExtension: { '.js': '.mjs' },
    splitting: LAMBDA_BUNDLING.splitting,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'es2023',
    minify: true,
    keepNames: true,
    mainFields: ['module', 'main'],
    external: [...EXTERNAL_PACKAGES, ...EXTERNAL_PACKAGES.map((p) => `${p}/*`)],
    plugins,
    banner: { js: ESM_REQUIRE_SHIM },
    metafile: true,
    logLevel: 'silent',
  };
}

export interface ExternalImport {
  name: string;
  /** Imported statically somewhere the entry reaches statically: it loads at init. */
  atInit: boolean;
}

export interface BundleResult {
  /** The entry file (`bundle.mjs`). */
  file: string;
  /** Minified bytes of every file in the package (entry and chunks). */
  bytes: number;
  /** Minified bytes Node parses at init: the entry and the chunks it imports statically. */
  initBytes: number;
  /** The package as SST zips it (deflate at zlib's default level, with zip headers): what Lambda stores and fetches. */
  zipBytes: number;
  files: number;
  /** Packages the bundle imports but leaves out (installed beside it on deploy). */
  externals: ExternalImport[];
  /** npm packages by bytes they contribute, largest first. */
  packages: { name: string; bytes: number }[];
  /** Packages bundled from more than one install (two versions): each copy's folder. */
  duplicates: { name: string; copies: string[] }[];
}

function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('packages/') ? `@paperlane/${input.split('/')[1]}` : input;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

/** Bytes each package contributes to the outputs, from esbuild's metafile. */
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

/**
 * Packages bundled from more than one folder: npm could not dedupe them (a dependency
 * pins another version), so the package ships twice. The API's S3 client did, 71 KB.
 */
export function duplicatePackages(metafile: Metafile): { name: string; copies: string[] }[] {
  const copies = new Map<string, Set<string>>();
  for (const output of Object.values(metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const at = input.lastIndexOf('node_modules/');
      if (at < 0) continue;
      const name = packageOf(input);
      const folder = input.slice(0, at + 'node_modules/'.length) + name;
      copies.set(name, (copies.get(name) ?? new Set()).add(folder));
    }
  }
  return [...copies]
    .filter(([, folders]) => folders.size > 1)
    .map(([name, folders]) => ({ name, copies: [...folders].sort() }));
}

const STATIC = new Set(['import-statement', 'require-call']);
const externalName = (path: string) =>
  path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : (path.split('/')[0] as string);

/**
 * The external packages a bundle imports, and whether each loads at init: reached
 * from the entry point through static imports only. One reached only through a
 * dynamic `import()` loads when that code first runs.
 */
export function externalImports(metafile: Metafile, entry: string): ExternalImport[] {
  const atInit = new Set<string>();
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const path = stack.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imp of metafile.inputs[path]?.imports ?? []) {
      if (!STATIC.has(imp.kind)) continue;
      if (imp.external) atInit.add(externalName(imp.path));
      else stack.push(imp.path);
    }
  }
  const found = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imp of input.imports) {
      if (imp.external && (EXTERNAL_PACKAGES as readonly string[]).includes(externalName(imp.path)))
        found.add(externalName(imp.path));
    }
  }
  return [...found].sort().map((name) => ({ name, atInit: atInit.has(name) }));
}

/** The entry output and every chunk it imports statically, as output paths. */
function initOutputs(metafile: Metafile, entryOutput: string): string[] {
  const seen = new Set<string>();
  const stack = [entryOutput];
  while (stack.length > 0) {
    const path = stack.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imp of metafile.outputs[path]?.imports ?? []) {
      if (imp.kind === 'import-statement' && !imp.external) stack.push(imp.path);
    }
  }
  return [...seen];
}

/** A zip entry's bytes as archiver writes them: local header, data, central directory record. */
function zipEntryBytes(name: string, content: Buffer): number {
  const nameBytes = Buffer.byteLength(name);
  return 30 + nameBytes + deflateRawSync(content).byteLength + 46 + nameBytes;
}

/**
 * Bundles one entry point into `outdir` (emptied first: `bundle.mjs` and its chunks)
 * and measures it; writes the metafile beside the folder.
 */
export async function bundleLambda(entry: string, outdir: string): Promise<BundleResult> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build(bundleOptions(entry, outdir));
  const metafile = result.metafile as Metafile;
  writeFileSync(`${outdir}.meta.json`, JSON.stringify(metafile));
  const outputs = Object.keys(metafile.outputs);
  const entryOutput = outputs.find((o) => basename(o) === 'bundle.mjs') as string;
  const entryInput = metafile.outputs[entryOutput]?.entryPoint as string;
  const size = (o: string) => metafile.outputs[o]?.bytes ?? 0;
  const zip = outputs.reduce(
    (sum, o) => sum + zipEntryBytes(relative(outdir, o), readFileSync(o)),
    22, // end of central directory
  );
  return {
    file: join(outdir, 'bundle.mjs'),
    bytes: outputs.reduce((sum, o) => sum + size(o), 0),
    initBytes: initOutputs(metafile, entryOutput).reduce((sum, o) => sum + size(o), 0),
    zipBytes: zip,
    files: outputs.length,
    externals: externalImports(metafile, entryInput),
    packages: packageSizes(metafile),
    duplicates: duplicatePackages(metafile),
  };
}

/** Where `build:lambdas` writes, and `bench:coldstart` reads, a function's package. */
export function bundlePath(root: string, name: string): string {
  return join(root, 'dist/lambdas', name);
}
