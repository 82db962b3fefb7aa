import { createMiddleware } from 'hono/factory';
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

/** Operator-only routes. */
export const requireAdmin = createMiddleware<ApiEnv>(async (c, next) => {
  if (c.get('principal').role !== 'admin')
    throw new HttpError(403, 'forbidden', 'this route needs the admin role');
  await next();
});
