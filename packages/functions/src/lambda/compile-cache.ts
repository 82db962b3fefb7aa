import nodeModule from 'node:module';

/** What `module.enableCompileCache()` answers (Node ≥ 22.1), or `unavailable` where it does not exist. */
export type CompileCacheStatus = 'enabled' | 'already-enabled' | 'failed' | 'disabled' | 'unavailable';

interface CompileCacheApi {
  enableCompileCache?: (directory?: string) => { status: number; directory?: string };
  constants?: { compileCacheStatus?: Record<string, number> };
}

/**
 * Turns on V8's compile cache where Node has it (nodejs22.x on Lambda; a no-op on
 * Node 20): code compiled from here on is cached under `NODE_COMPILE_CACHE`, else
 * `os.tmpdir()/node-compile-cache`, and read back when a later process of the same
 * execution environment compiles the same file. What that buys on Lambda is narrow,
 * and this says why rather than promise more: ESM compiles every statically imported
 * chunk before any of this code runs, so only the `import()`ed chunks (S3, KMS, the
 * realtime push, OCR, the OpenAI SDK, ...) are cached; and `/tmp` starts empty in each
 * new environment, so the hit is a process restarted in the same one (Lambda restarts
 * the runtime after a crash or a timeout). Never throws: a cache is an optimisation.
 *
 * @example enableCompileCache() // 'enabled' on Node 22, 'unavailable' on Node 20
 */
export function enableCompileCache(
  node: CompileCacheApi = nodeModule as CompileCacheApi,
): CompileCacheStatus {
  if (typeof node.enableCompileCache !== 'function') return 'unavailable';
  try {
    const { status } = node.enableCompileCache();
    const codes = node.constants?.compileCacheStatus ?? {};
    if (status === codes.ENABLED) return 'enabled';
    if (status === codes.ALREADY_ENABLED) return 'already-enabled';
    if (status === codes.DISABLED) return 'disabled';
    return 'failed';
  } catch {
    return 'failed';
  }
}
