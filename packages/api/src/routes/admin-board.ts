import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Principal } from '../auth/principal';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { assertRole, OPERATOR } from '../middleware/authenticate';
import { bearer, jsonError } from './common';

/** The cookie that carries an admin's token to Bull Board (browsers cannot send a Bearer header there). */
export const ADMIN_COOKIE = 'paperlane_admin';
const TOKEN = /^[A-Za-z0-9_.-]{10,8192}$/;
const COOKIE_MAX_AGE_SECONDS = 8 * 60 * 60;

function bearerOf(c: Context): string | undefined {
  return /^Bearer (\S+)$/.exec((c.req.header('authorization') ?? '').trim())?.[1];
}

async function verifyAdmin(
  deps: Pick<ApiDeps, 'verifyToken'>,
  token: string | undefined,
): Promise<Principal> {
  if (!token || !TOKEN.test(token)) {
    throw new HttpError(
      401,
      'missing_token',
      'send Authorization: Bearer <token> or sign in at POST /admin/session',
      undefined,
      {
        'www-authenticate': 'Bearer',
      },
    );
  }
  const principal = await deps.verifyToken(token);
  // Bull Board shows and acts on every tenant's jobs: the deployment's operator only.
  assertRole(principal, OPERATOR);
  return principal;
}

function setSessionCookie(c: Context, token: string) {
  setCookie(c, ADMIN_COOKIE, token, {
    path: '/admin',
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: COOKIE_MAX_AGE_SECONDS,
  });
}

/**
 * Bull Board at `/admin/board` (BullMQ driver only) and the cookie session it needs.
 * Mounted before the `/admin/*` bearer middleware, because a browser opening the
 * board sends no Authorization header. The board accepts, in order: a Bearer header,
 * `?token=` (verified, stored in the cookie, then redirected away so the token leaves
 * the address bar and history), or the `paperlane_admin` cookie. The cookie is
 * HttpOnly, SameSite=Strict, scoped to `/admin`, and accepted only by the board
 * (read-only), never by the JSON admin routes, so it cannot be used for CSRF writes.
 * `POST /admin/session` (Bearer, admin) sets it; `DELETE /admin/session` clears it.
 *
 * @example app.route('/', adminBoardRoutes(deps)) // before app.use('/admin/*', ...)
 */
export function adminBoardRoutes(deps: Pick<ApiDeps, 'verifyToken' | 'adminBoard'>) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/admin/session',
    tags: ['admin'],
    summary: 'Sign in to Bull Board: sets the HttpOnly admin cookie (scoped to /admin) from the bearer token',
    security: bearer,
    responses: {
      204: { description: 'Cookie set' },
      401: jsonError('Missing or invalid bearer token'),
      403: jsonError('The token is not an admin token'),
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'delete',
    path: '/admin/session',
    tags: ['admin'],
    summary: 'Sign out of Bull Board: clears the admin cookie',
    responses: { 204: { description: 'Cookie cleared' } },
  });

  app.post('/admin/session', async (c) => {
    const token = bearerOf(c);
    c.set('principal', await verifyAdmin(deps, token));
    setSessionCookie(c, token as string);
    return c.body(null, 204);
  });
  app.delete('/admin/session', (c) => {
    deleteCookie(c, ADMIN_COOKIE, { path: '/admin' });
    return c.body(null, 204);
  });

  const board = deps.adminBoard;
  if (!board) return app;

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/admin/board',
    tags: ['admin'],
    summary:
      'Bull Board (BullMQ driver), read-only: Bearer, `?token=` (moved into the cookie), or the cookie',
    responses: {
      200: { content: { 'text/html': { schema: z.string() } }, description: 'The board' },
      303: {
        description: 'Signed in from `?token=`: the cookie is set and the token removed from the address',
      },
      401: jsonError('No valid token or cookie'),
      403: jsonError('The token is not an admin token'),
    },
  });

  const guard = createMiddleware<ApiEnv>(async (c, next) => {
    const fromQuery = c.req.query('token');
    if (fromQuery !== undefined) {
      c.set('principal', await verifyAdmin(deps, fromQuery));
      setSessionCookie(c, fromQuery);
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    c.set('principal', await verifyAdmin(deps, bearerOf(c) ?? getCookie(c, ADMIN_COOKIE)));
    await next();
  });
  app.use('/admin/board', guard);
  app.use('/admin/board/*', guard);
  app.route('/admin/board', board);
  return app;
}
