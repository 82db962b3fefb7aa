import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console's files: the page's own ES modules and stylesheet (in `public/`) and
 * the three vendor modules it imports through the import map, taken as-is from the
 * installed npm packages. This table is the allow-list the server serves from and
 * the list the AWS bundle copies; nothing else under `/console/` exists.
 */
export const CONSOLE_FILES = {
  'app.js': { type: 'text/javascript; charset=utf-8', from: 'public/app.js' },
  'api.js': { type: 'text/javascript; charset=utf-8', from: 'public/api.js' },
  'live.js': { type: 'text/javascript; charset=utf-8', from: 'public/live.js' },
  'ui.js': { type: 'text/javascript; charset=utf-8', from: 'public/ui.js' },
  'pages-user.js': { type: 'text/javascript; charset=utf-8', from: 'public/pages-user.js' },
  'pages-admin.js': { type: 'text/javascript; charset=utf-8', from: 'public/pages-admin.js' },
  'pages-operator.js': { type: 'text/javascript; charset=utf-8', from: 'public/pages-operator.js' },
  'style.css': { type: 'text/css; charset=utf-8', from: 'public/style.css' },
  'preact.mjs': { type: 'text/javascript; charset=utf-8', from: 'npm:preact/dist/preact.module.js' },
  'hooks.mjs': { type: 'text/javascript; charset=utf-8', from: 'npm:preact/hooks/dist/hooks.module.js' },
  'htm.mjs': { type: 'text/javascript; charset=utf-8', from: 'npm:htm/dist/htm.module.js' },
} as const satisfies Record<string, { type: string; from: string }>;

export type ConsoleFile = keyof typeof CONSOLE_FILES;

/** Bare specifiers of the page's modules, resolved by the browser through the import map. */
const IMPORT_MAP = JSON.stringify({
  imports: { preact: '/console/preact.mjs', 'preact/hooks': '/console/hooks.mjs', htm: '/console/htm.mjs' },
});

/**
 * The console's HTML. The import map is the only inline script; the CSP allows it
 * by its hash and nothing else inline.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Paperlane console</title>
<link rel="stylesheet" href="/console/style.css">
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="/console/app.js"></script>
</head>
<body><div id="app"><noscript>The Paperlane console needs JavaScript.</noscript></div></body>
</html>
`;

const importMapHash = createHash('sha256').update(IMPORT_MAP).digest('base64');

/**
 * The page's Content-Security-Policy: scripts only from this origin (plus the import
 * map by hash), no inline styles, no framing, requests only to this origin. Images
 * come from this origin (thumbnail links are `/files/{token}` where the API serves
 * files) and from `imageOrigins`, the one origin file links point to elsewhere (the
 * S3 bucket on AWS): an injected `<img>` cannot send data to any other host.
 * Anything in `imageOrigins` that is not a bare http(s) origin is left out.
 *
 * @example consoleCsp(['https://files.s3.eu-west-1.amazonaws.com'])
 */
export function consoleCsp(imageOrigins: readonly string[] = []): string {
  const images = imageOrigins.filter((origin) => /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin));
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${importMapHash}'`,
    "style-src 'self'",
    ["img-src 'self'", ...images].join(' '),
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy where every image comes from this origin. */
export const CONSOLE_CSP = consoleCsp();

/**
 * Where each console file is on this machine. With `dir` (the AWS bundle, where
 * `copyFiles` put every file flat under one folder) it is `dir/<name>`; without,
 * the package's own `public/` and the installed vendor packages. Returns undefined
 * when the files are not there (a bundle that does not carry them).
 *
 * @example consoleFilePaths()?.['app.js'] // '/…/packages/console/public/app.js'
 */
export function consoleFilePaths(dir?: string): Record<ConsoleFile, string> | undefined {
  const names = Object.keys(CONSOLE_FILES) as ConsoleFile[];
  if (dir) {
    const root = isAbsolute(dir) ? dir : join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), dir);
    return Object.fromEntries(names.map((name) => [name, join(root, name)])) as Record<ConsoleFile, string>;
  }
  try {
    return Object.fromEntries(names.map((name) => [name, sourcePath(name)])) as Record<ConsoleFile, string>;
  } catch {
    return undefined;
  }
}

/** The file a console asset is copied or served from, in the repository. */
export function sourcePath(name: ConsoleFile): string {
  const from: string = CONSOLE_FILES[name].from;
  if (!from.startsWith('npm:')) return fileURLToPath(new URL(`../${from}`, import.meta.url));
  const [pkg = '', ...rest] = from.slice(4).split('/');
  return join(packageRoot(pkg), ...rest);
}

/**
 * An installed package's folder. Neither preact nor htm exports its `dist/` files (and
 * htm not even its package.json), so this resolves the main entry and walks up to the
 * folder named for the package.
 */
function packageRoot(name: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  while (basename(dir) !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = parent;
  }
  return dir;
}
