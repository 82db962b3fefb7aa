// esbuild plugins for the Lambda bundles: SST runs this file for every function
// (`nodejs.plugins` in infra/lambda.ts) and `build:lambdas` uses the same list, so
// what is measured here is what deploys. Plain JavaScript: SST loads it with `node`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

const NO_BOWSER = fileURLToPath(new URL('./no-bowser.mjs', import.meta.url));
const BROWSER_UA_IMPORTER = /[\\/]util-user-agent-browser[\\/][^\\/]+\.js$/;

/**
 * The SDK's core ships its browser user-agent provider in the Node build too, and that
 * provider `import()`s bowser (a 36 KB browser-detection chunk in every package) that
 * only a browser ever loads. That one import resolves to an empty module here: should
 * it ever run, the provider's own fallback reports `unknown` for the browser.
 */
export function noBrowserUserAgentParser() {
  return {
    name: 'no-browser-user-agent-parser',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.path !== 'bowser' || !BROWSER_UA_IMPORTER.test(args.importer ?? '')) return undefined;
        return { path: NO_BOWSER };
      });
    },
  };
}

const LAMBDA_CREDENTIALS = fileURLToPath(new URL('./lambda-credentials.mjs', import.meta.url));

/**
 * Every SDK client imports the Node default credential chain, which reaches (through
 * `import()`s esbuild splits into chunks) the profile, SSO, login, process, web-identity
 * and instance-metadata providers and the STS, SSO-OIDC and sign-in clients they use:
 * about 34 KB of every zipped package, none of which can run on Lambda, where the
 * role's keys are in the environment. The chain resolves to lambda-credentials.mjs:
 * the environment, then a container credentials endpoint if one is configured.
 */
export function lambdaCredentials() {
  return {
    name: 'lambda-credentials',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.path !== '@aws-sdk/credential-provider-node' || args.importer === LAMBDA_CREDENTIALS)
          return undefined;
        return { path: LAMBDA_CREDENTIALS };
      });
    },
  };
}

export default [zodEnglishOnly(), noBrowserUserAgentParser(), lambdaCredentials()];
