import type { LambdaSpec } from './needs';
import { installedVersion } from './repo';

/** Every function runs Node 22 (SST v4 defaults to nodejs24.x, so it is set explicitly). */
export const LAMBDA_RUNTIME = 'nodejs22.x' as const;
/**
 * Graviton: about 20% cheaper per GB-second and as fast for this work. Every native
 * dependency ships a linux-arm64 glibc build (sharp's @img/sharp-linux-arm64,
 * @napi-rs/canvas-linux-arm64-gnu) and tesseract.js-core is wasm, so nothing pins
 * x86_64. SST installs `nodejs.install` packages with `--cpu=arm64` (and
 * `--libc=glibc` for sharp), so the right binaries land in the package.
 */
export const LAMBDA_ARCHITECTURE = 'arm64' as const;

/**
 * SST's handler format is the file without its extension, then the export:
 * `packages/functions/src/lambda/api.handler`. SST finds the file by trying
 * `.ts`, `.js`, ... after the last dot, so `api.ts.handler` would not resolve.
 */
export function handlerFor(entry: string, exportName = 'handler'): string {
  return `${entry.replace(/\.(?:[cm]?[jt]s|[jt]sx)$/, '')}.${exportName}`;
}

/** Lambda's `/opt` is where layers land; the OCR adapter reads `TESSERACT_LANG_PATH`. */
export const TESSDATA_MOUNT = '/opt/tessdata';

export interface LambdaOptions {
  timeoutSeconds: number;
  memoryMb: number;
  /** Components by name; the spec's needs are looked up here and linked. */
  linkables: ReadonlyMap<string, Sst.Linkable>;
  environment: Record<string, Sst.Input<string>>;
  logRetention: Sst.LogRetention;
  tessdataLayer?: Sst.Input<string>;
  description?: string;
}

/** Resolves a spec's needs to components, failing at synth time on a name nothing created. */
export function linksFor(spec: LambdaSpec, linkables: ReadonlyMap<string, Sst.Linkable>): Sst.Linkable[] {
  return spec.needs.map((name) => {
    const found = linkables.get(name);
    if (!found) throw new Error(`${spec.name} needs ${name}, but no component of that name was created`);
    return found;
  });
}

/** The arguments every Paperlane function shares, from its spec. */
export function lambdaArgs(spec: LambdaSpec, options: LambdaOptions): Sst.FunctionArgs {
  const install = Object.fromEntries(spec.external.map((name) => [name, installedVersion(name)]));
  const tessdata = spec.tessdata && options.tessdataLayer !== undefined;
  return {
    handler: handlerFor(spec.entry),
    ...(options.description ? { description: options.description } : {}),
    runtime: LAMBDA_RUNTIME,
    architecture: LAMBDA_ARCHITECTURE,
    timeout: `${options.timeoutSeconds} seconds`,
    memory: `${options.memoryMb} MB`,
    link: linksFor(spec, options.linkables),
    environment: {
      ...options.environment,
      ...(tessdata ? { TESSERACT_LANG_PATH: TESSDATA_MOUNT } : {}),
    },
    logging: { retention: options.logRetention },
    nodejs: {
      format: 'esm',
      ...(spec.external.length > 0 ? { install } : {}),
    },
    ...(tessdata ? { layers: [options.tessdataLayer as Sst.Input<string>] } : {}),
  };
}
