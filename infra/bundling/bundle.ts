import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { LAMBDA_RUNTIME, nodejsArgs } from '../lambda';
import type { ExternalPackage } from '../needs';
import { repoRoot } from '../repo';

/** Every package installed beside a bundle rather than bundled (see `ExternalPackage`). */
export const EXTERNAL_PACKAGES: readonly ExternalPackage[] = [
  'sharp',
  '@napi-rs/canvas',
  'pdfjs-dist',
  'tesseract.js',
];

/** Left out of every bundle by SST's builder, whatever the function says (`forceExternal`). */
export const SST_FORCE_EXTERNAL = ['sharp', 'pg-native'] as const;

/** SST's esbuild target per Lambda runtime (`targetMap`). */
const SST_TARGETS: Record<Sst.FunctionArgs['runtime'] & string, string> = {
  'nodejs20.x': 'es2023',
  'nodejs22.x': 'es2023',
  'nodejs24.x': 'es2024',
};

/**
 * SST prepends this to ESM bundles: bundled CommonJS dependencies call `require`
 * and read `__dirname`, which ESM lacks. `nodejs.banner` is appended to it.
 */
const ESM_REQUIRE_SHIM = [
  "import { createRequire as topLevelCreateRequire } from 'module';",
  'const require = topLevelCreateRequire(import.meta.url);',
  'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
  'const __filename = topLevelFileUrlToPath(import.meta.url)',
  'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
];

/** The `nodejs` keys `sstBuildOptions` reproduces; any other key makes it throw rather than measure something else. */
const MIRRORED: ReadonlySet<string> = new Set([
  'format',
  'minify',
  'sourcemap',
  'plugins',
  'splitting',
  'install',
  'banner',
  'loader',
  'esbuild',
]);
const MIRRORED_ESBUILD: ReadonlySet<string> = new Set(['external']);

async function loadPlugins(file: string | undefined): Promise<Plugin[]> {
  if (!file) return [];
  // Relative to sst.config.ts, as SST resolves it.
  const loaded = (await import(pathToFileURL(join(repoRoot(), file)).href)) as { default?: unknown };
  if (!Array.isArray(loaded.default)) throw new Error(`${file} does not export a list of esbuild plugins`);
  return loaded.default as Plugin[];
}

/**
 * The esbuild options SST 4.17's builder (`pkg/runtime/node/build.go`) deploys a
 * function with, from that function's `nodejs` args: ESM with its `require` banner,
 * names kept, the runtime's target, `module` before `main`, `bundle.mjs` plus chunks
 * when splitting; minified **only when `minify` is set**; external: `sharp`,
 * `pg-native`, the `install` packages and `esbuild.external`. Source maps are
 * generated but SST keeps them out of the package (it uploads them to its bootstrap
 * bucket), so they are left out of the sizes. Throws on a setting it does not
 * reproduce, so `build:lambdas` never measures a build that differs from the deploy.
 */
export async function sstBuildOptions(
  entry: string,
  outdir: string,
  nodejs: Sst.NodejsArgs,
  runtime: NonNullable<Sst.FunctionArgs['runtime']> = LAMBDA_RUNTIME,
): Promise<BuildOptions> {
  const unknown = Object.keys(nodejs).filter((key) => !MIRRORED.has(key));
  const unknownEsbuild = Object.keys(nodejs.esbuild ?? {}).filter((key) => !MIRRORED_ESBUILD.has(key));
  if (unknown.length > 0 || unknownEsbuild.length > 0) {
    const keys = [...unknown, ...unknownEsbuild.map((k) => `esbuild.${k}`)].join(', ');
    throw new Error(
      `build:lambdas does not reproduce SST's handling of nodejs.${keys}; add it to sstBuildOptions`,
    );
  }
  if (nodejs.format === 'cjs')
    throw new Error('build:lambdas reproduces ESM bundles only (nodejs.format: "esm")');
  if (nodejs.sourcemap !== undefined) {
    throw new Error(
      "build:lambdas reproduces SST's default source maps only (kept out of the package); leave nodejs.sourcemap unset",
    );
  }
  const install = Array.isArray(nodejs.install) ? nodejs.install : Object.keys(nodejs.install ?? {});
  const splitting = nodejs.splitting === true;
  return {
    entryPoints: [entry],
    ...(splitting
      ? { outdir, entryNames: 'bundle', outExtension: { '.js': '.mjs' } }
      : { outfile: join(outdir, 'bundle.mjs') }),
    splitting,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: SST_TARGETS[runtime],
    // SST's builder hardcodes KeepNames and reads only `external` and `target` from
    // `nodejs.esbuild`, so `keepNames: false` there would be ignored on deploy (hence refused above).
    keepNames: true,
    mainFields: ['module', 'main'],
    ...(nodejs.minify === true ? { minify: true } : {}),
    sourcemap: 'linked',
    loader: nodejs.loader ?? {},
    external: [...SST_FORCE_EXTERNAL, ...install, ...(nodejs.esbuild?.external ?? [])],
    plugins: await loadPlugins(nodejs.plugins),
    banner: { js: [...ESM_REQUIRE_SHIM, nodejs.banner ?? ''].join('\n') },
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
  /** Bytes of every file in the package (entry and chunks), minified as deployed. */
  bytes: number;
  /** Minified bytes Node parses at init: the entry and the chunks it imports statically. */
  initBytes: number;
  /** The package as SST zips it (deflate at zlib's default level, with zip headers): what Lambda stores and fetches. */
  zipBytes: number;
  files: number;
  /** Packages the bundle imports but leaves out (installed beside it on deploy). */
  externals: ExternalImport[];
  /** `EXTERNAL_PACKAGES` bundled because the function neither installs nor excludes them. */
  bundledExternals: string[];
  /** npm packages by bytes they contribute, largest first. */
  packages: { name: string; bytes: number }[];
  /** The same, counting only what Node parses at init (the entry and its static chunks). */
  initPackages: { name: string; bytes: number }[];
  /** Source files (esbuild's input paths) with code in those init outputs. */
  initInputs: string[];
  /** Packages bundled from more than one install (two versions): each copy's folder. */
  duplicates: { name: string; copies: string[] }[];
}

/** The npm package (or `@paperlane/<pkg>`) an esbuild input path belongs to. */
export function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('packages/') ? `@paperlane/${input.split('/')[1]}` : input;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

/** Bytes each package contributes to the outputs (or to `only` those), from esbuild's metafile. */
export function packageSizes(
  metafile: Metafile,
  only?: readonly string[],
): { name: string; bytes: number }[] {
  const sizes = new Map<string, number>();
  const outputs = only
    ? only.map((o) => metafile.outputs[o]).filter((o) => o !== undefined)
    : Object.values(metafile.outputs);
  for (const output of outputs) {
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

/** Installed-not-bundled packages whose code ended up in the bundle anyway (nothing marked them external). */
export function bundledExternals(metafile: Metafile): string[] {
  const inputs = Object.keys(metafile.inputs);
  return EXTERNAL_PACKAGES.filter((name) => inputs.some((i) => i.includes(`node_modules/${name}/`)));
}

/**
 * Bundles one entry point into `outdir` (emptied first: `bundle.mjs` and its chunks)
 * as SST deploys a function with these `nodejs` args (by default: as if every
 * native were installed), and measures the package; writes the metafile beside the folder.
 */
export async function bundleLambda(
  entry: string,
  outdir: string,
  nodejs: Sst.NodejsArgs = nodejsArgs({ external: EXTERNAL_PACKAGES }),
): Promise<BundleResult> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build(await sstBuildOptions(entry, outdir, nodejs));
  const metafile = result.metafile as Metafile;
  writeFileSync(`${outdir}.meta.json`, JSON.stringify(metafile));
  // Source maps stay out of the package (SST uploads them elsewhere).
  const outputs = Object.keys(metafile.outputs).filter((o) => !o.endsWith('.map'));
  const entryOutput = outputs.find((o) => basename(o) === 'bundle.mjs') as string;
  const entryInput = metafile.outputs[entryOutput]?.entryPoint as string;
  const size = (o: string) => metafile.outputs[o]?.bytes ?? 0;
  const atInit = initOutputs(metafile, entryOutput);
  const zip = outputs.reduce(
    (sum, o) => sum + zipEntryBytes(relative(outdir, o), readFileSync(o)),
    22, // end of central directory
  );
  return {
    file: join(outdir, 'bundle.mjs'),
    bytes: outputs.reduce((sum, o) => sum + size(o), 0),
    initBytes: atInit.reduce((sum, o) => sum + size(o), 0),
    zipBytes: zip,
    files: outputs.length,
    externals: externalImports(metafile, entryInput),
    bundledExternals: bundledExternals(metafile),
    packages: packageSizes(metafile),
    initPackages: packageSizes(metafile, atInit),
    initInputs: atInit.flatMap((o) =>
      Object.entries(metafile.outputs[o]?.inputs ?? {}).flatMap(([input, { bytesInOutput }]) =>
        bytesInOutput > 0 ? [input] : [],
      ),
    ),
    duplicates: duplicatePackages(metafile),
  };
}

/** Where `build:lambdas` writes, and `bench:coldstart` reads, a function's package. */
export function bundlePath(root: string, name: string): string {
  return join(root, 'dist/lambdas', name);
}
