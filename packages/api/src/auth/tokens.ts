import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { HttpError } from '../errors';
import { type Principal, principalSchema, ROLES } from './principal';

/** How tokens are checked: a shared HS256 secret (local, tests) or an issuer's JWKS (production). */
export const authConfigSchema = z
  .object({
    /** HS256 secret, at least 32 characters. */
    secret: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
    jwksUrl: z.url().optional(),
    issuer: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
  })
  .refine((c) => c.secret !== undefined || c.jwksUrl !== undefined, {
    message: 'configure JWT_SECRET (HS256) or JWT_JWKS_URL',
  });
export type AuthConfig = z.infer<typeof authConfigSchema>;

const claimsSchema = z.object({
  sub: z.string(),
  tenantId: z.string(),
  role: z.enum(ROLES).default('user'),
});

export type TokenVerifier = (token: string) => Promise<Principal>;

/**
 * Verifies bearer tokens and returns the caller. Algorithms are pinned (no
 * `alg: none`, no HS/RS confusion); a token without a tenant is refused.
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
  const options = {
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  return async (token) => {
    let payload: JWTPayload;
    try {
      if (jwks) ({ payload } = await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] }));
      else ({ payload } = await jwtVerify(token, secret!, { ...options, algorithms: ['HS256'] }));
    } catch {
      throw new HttpError(401, 'invalid_token', 'the bearer token is invalid or expired');
    }
    const claims = claimsSchema.safeParse(payload);
    const principal = claims.success
      ? principalSchema.safeParse({
          tenantId: claims.data.tenantId,
          userId: claims.data.sub,
          role: claims.data.role,
        })
      : undefined;
    if (!principal?.success) {
      throw new HttpError(401, 'invalid_token', 'the token lacks valid tenantId, sub or role claims');
    }
    return principal.data;
  };
}

/**
 * Mints an HS256 token (the dev CLI, tests).
 *
 * @example await mintToken(secret, { tenantId: 'acme', userId: 'dev', role: 'admin' })
 */
export async function mintToken(
  secret: string,
  principal: Principal,
  options: { expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  const jwt = new SignJWT({ tenantId: principal.tenantId, role: principal.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.userId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
