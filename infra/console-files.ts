import { join, relative } from 'node:path';
import { CONSOLE_FILES, type ConsoleFile } from '@paperlane/console';
import { installedPackageDir, repoRoot } from './repo';

/** Where the API function's package carries the console's files (`CONSOLE_DIR`), flat. */
export const CONSOLE_BUNDLE_DIR = 'console';
const CONSOLE_PACKAGE = 'packages/console';

/**
 * The console on AWS is served by the API function itself, from files SST copies
 * into its package: the page's own modules and the three vendor modules, each
 * under `console/<name>`, the layout `consoleFilePaths(dir)` reads. `from` is
 * relative to the repository root, where sst.config.ts is. Paths come from the
 * repository root, not the package's `import.meta.url`, because SST bundles the
 * config (and this package with it) into `.sst/` before running it.
 *
 * @example consoleCopyFiles() // [{ from: 'packages/console/public/app.js', to: 'console/app.js' }, ...]
 */
export function consoleCopyFiles(): Array<{ from: string; to: string }> {
  const root = repoRoot();
  return (Object.keys(CONSOLE_FILES) as ConsoleFile[]).map((name) => {
    const from: string = CONSOLE_FILES[name].from;
    const [pkg = '', ...rest] = from.startsWith('npm:') ? from.slice(4).split('/') : [];
    const path = from.startsWith('npm:')
      ? join(installedPackageDir(pkg, CONSOLE_PACKAGE), ...rest)
      : join(root, CONSOLE_PACKAGE, from);
    return { from: relative(root, path), to: `${CONSOLE_BUNDLE_DIR}/${name}` };
  });
}
