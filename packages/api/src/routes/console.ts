import { readFile } from 'node:fs/promises';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import {
  CONSOLE_FILES,
  CONSOLE_PAGE,
  type ConsoleFile,
  consoleCsp,
  consoleFilePaths,
} from '@paperlane/console';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Principal } from '../auth/principal';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { CONSOLE_COOKIE, CONSOLE_HEADER, consoleToken } from '../middleware/authenticate';

const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
const sessionBody = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_.-]{10,8192}$/) });

export interface ConsoleRouteOptions {
  /**
   * A folder holding every console file flat (the AWS bundle, `PAPERLANE_CONSOLE_DIR`).
   * Unset: the installed `@paperlane/console` package and its npm dependencies.
   */
  dir?: string | undefined;
}

const presentPrincipal = (p: Principal) => ({ tenant_id: p.tenantId, user_id: p.userId, role: p.role });

/** The console's own requests say so in a header a cross-site page cannot send (see `consoleToken`). */
function requireConsoleHeader(c: Context) {
  if (c.req.header(CONSOLE_HEADER) !== '1')
    throw new HttpError(403, 'console_header_required', `send ${CONSOLE_HEADER}: 1`);
}

const pageHeaders = (fileLinkOrigin: string | undefined) => ({
  'content-security-policy': consoleCsp(fileLinkOrigin ? [fileLinkOrigin] : []),
  'x-content-type-options': 'nosniff',
  // `/?token=…` must not leak through a Referer before the page moves the token into the cookie.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
});

/**
 * The web console: `GET /` (the page), `GET /console/{file}` (its allow-listed
 * modules and stylesheet) and the cookie session. `POST /console/session` takes a
 * pasted token (or the page's `?token=`), verifies it and keeps it in the HttpOnly,
 * SameSite=Strict cookie `paperlane_console`, which authenticates `/api/*` and
 * `/admin/*` only together with `X-Paperlane-Console: 1`. `DELETE` signs out.
 *
 * @example app.route('/', consoleRoutes(deps, { dir: process.env.PAPERLANE_CONSOLE_DIR }))
 */
export function consoleRoutes(
  deps: Pick<ApiDeps, 'verifyToken' | 'fileLinkOrigin'>,
  options: ConsoleRouteOptions = {},
) {
  const app = new OpenAPIHono<ApiEnv>();
  // `typeof`: route listing builds the app from stand-in deps whose every property is an object.
  const dir = typeof options.dir === 'string' ? options.dir : undefined;
  // Found on the first file request, not at start-up: without `dir` that resolves the vendor
  // packages through node_modules, and no API cold start should pay for a console asset.
  let paths: { found: ReturnType<typeof consoleFilePaths> } | undefined;
  const filePaths = () => {
    paths ??= { found: consoleFilePaths(dir) };
    return paths.found;
  };

  // Not in the OpenAPI document: these serve the browser page, not API clients (and keep the
  // API function under its size budget).
  const headers = pageHeaders(typeof deps.fileLinkOrigin === 'string' ? deps.fileLinkOrigin : undefined);
  app.get('/', (c) => c.html(CONSOLE_PAGE, 200, headers));

  app.post('/console/session', async (c) => {
    requireConsoleHeader(c);
    const parsed = sessionBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) throw new HttpError(400, 'invalid_request', 'send {"token": "<JWT>"}');
    const principal = await deps.verifyToken(parsed.data.token);
    c.set('principal', principal);
    setCookie(c, CONSOLE_COOKIE, parsed.data.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: SESSION_MAX_AGE_SECONDS,
    });
    return c.json(presentPrincipal(principal), 200, { 'cache-control': 'no-store' });
  });

  app.get('/console/session', async (c) => {
    const token = consoleToken(c);
    if (!token) throw new HttpError(401, 'missing_token', 'sign in to the console first');
    const principal = await deps.verifyToken(token);
    c.set('principal', principal);
    return c.json(presentPrincipal(principal), 200, { 'cache-control': 'no-store' });
  });

  app.delete('/console/session', (c) => {
    requireConsoleHeader(c);
    deleteCookie(c, CONSOLE_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  // After `/console/session`, which the parameter would otherwise swallow.
  app.get('/console/:file', async (c) => {
    const file = c.req.param('file');
    // Own keys only: `toString` or `constructor` are `in` every object.
    if (!Object.hasOwn(CONSOLE_FILES, file)) return c.notFound();
    const found = filePaths();
    if (!found) return c.notFound();
    const name = file as ConsoleFile;
    const body = await readFile(found[name]);
    return c.body(body, 200, {
      'content-type': CONSOLE_FILES[name].type,
      'x-content-type-options': 'nosniff',
      // Small files that change with each release: revalidate rather than serve a stale module.
      'cache-control': 'no-cache',
    });
  });

  return app;
}
