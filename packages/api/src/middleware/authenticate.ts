import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Principal, PrincipalRole } from '../auth/principal';
import type { TokenVerifier } from '../auth/tokens';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';

/** The HttpOnly cookie the web console keeps its token in (set by `POST /console/session`). */
export const CONSOLE_COOKIE = 'paperlane_console';
/** The header that must come with the console cookie; its value is always `1`. */
export const CONSOLE_HEADER = 'x-paperlane-console';
const COMPACT_JWT = /^[A-Za-z0-9_.-]{10,8192}$/;

/**
 * The console's token, when the request carries both the `paperlane_console` cookie
 * and `X-Paperlane-Console: 1`. A browser sends the cookie with any request to this
 * origin, but a page on another origin cannot add a custom header without a CORS
 * preflight this API never grants (and an `<img>` or form cannot add one at all), so
 * the header is what makes a cookie-borne request a deliberate one of the console.
 *
 * @example consoleToken(c) // 'eyJ…' or undefined
 */
export function consoleToken(c: Context): string | undefined {
  if (c.req.header(CONSOLE_HEADER) !== '1') return undefined;
  const token = getCookie(c, CONSOLE_COOKIE);
  return token && COMPACT_JWT.test(token) ? token : undefined;
}

/**
 * Requires `Authorization: Bearer <JWT>` (the scheme in any case, RFC 9110), or the
 * console's cookie together with its header, and sets the caller as `principal`.
 * A Bearer header wins over the cookie.
 */
export function authenticate(verify: TokenVerifier) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer +([A-Za-z0-9_.-]{10,8192})$/i.exec(header.trim());
    const token = match?.[1] ?? (header ? undefined : consoleToken(c));
    if (!token) {
      throw new HttpError(401, 'missing_token', 'send Authorization: Bearer <token>', undefined, {
        'www-authenticate': 'Bearer',
      });
    }
    c.set('principal', await verify(token));
    await next();
  });
}

/** Refuses (403 `forbidden`) a caller whose role is not one of `roles`. */
export function requireRole(...roles: readonly PrincipalRole[]) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    assertRole(c.get('principal'), roles);
    await next();
  });
}

/** The same check inside a handler, where only part of a route needs the stronger role. */
export function assertRole(principal: Principal, roles: readonly PrincipalRole[]): void {
  if (!roles.includes(principal.role))
    throw new HttpError(403, 'forbidden', `this needs the ${roles.join(' or ')} role`);
}

/** `/admin/*`: a tenant's admin or the deployment's operator (routes narrow it further). */
export const requireAdmin = requireRole('admin', 'operator');
/** Deployment-wide actions: queue depths, pause/resume, the whole DLQ, Bull Board. */
export const OPERATOR: readonly PrincipalRole[] = ['operator'];
