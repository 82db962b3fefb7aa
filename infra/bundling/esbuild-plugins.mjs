// esbuild plugins for the Lambda bundles: SST runs this file for every function
// (`nodejs.plugins` in infra/lambda.ts) and `build:lambdas` uses the same list, so
// what is measured here is what deploys. Plain JavaScript: SST loads it with `node`.
import { dirname, join } from 'node:path';

const ZOD_LOCALE_INDEX = '../locales/index.js';
const ZOD_ENTRY_DIR = /[\\/]node_modules[\\/]zod[\\/]v4[\\/](?:classic|core)[\\/][^\\/]+\.js$/;

/**
 * zod 4's `z` namespace re-exports all 40-odd message locales
 * (`export * as locales from "../locales/index.js"`), about 260 KB minified in every
 * bundle, because a namespace object cannot be tree-shaken. Paperlane never selects
 * a locale (zod registers English itself), so the index resolves to the English
 * locale alone: `z.locales.<lang>` is unavailable in bundles, nothing else changes.
 *
 * The filter matches everything and the callback decides: SST's plugin bridge tests
 * `filter` against its message rather than the import path, so a narrower filter
 * would never fire there.
 */
export function zodEnglishOnly() {
  return {
    name: 'zod-english-only',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.path !== ZOD_LOCALE_INDEX || !ZOD_ENTRY_DIR.test(args.importer ?? '')) return undefined;
        return { path: join(dirname(args.importer), '..', 'locales', 'en.js') };
      });
    },
  };
}

export default [zodEnglishOnly()];
