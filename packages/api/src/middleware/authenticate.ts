import { createMiddleware } from 'hono/factory';
import type { Principal, PrincipalRole } from '../auth/principal';
import type { TokenVerifier } from '../auth/tokens';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';

/** Requires `Authorization: Bearer <JWT>` (the scheme in any case, RFC 9110) and sets the caller as `principal`. */
export function authenticate(verify: TokenVerifier) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer +([A-Za-z0-9_.-]{10,8192})$/i.exec(header.trim());
    if (!match?.[1]) {
      throw new HttpError(401, 'missing_token', 'send Authorization: Bearer <token>', undefined, {
        'www-authenticate': 'Bearer',
      });
    }
    c.set('principal', await verify(match[1]));
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
