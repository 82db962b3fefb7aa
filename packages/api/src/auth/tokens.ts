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
    /** Longest a token may live (`exp` minus `iat`, and `exp` from now); `exp` is required. Default 30 days. */
    maxLifetimeSeconds: z
      .number()
      .int()
      .min(60)
      .max(366 * 24 * 3600)
      .optional(),
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

/** 30 days: what `npm start` prints and `paperlane token --ttl` allows at most. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;

/** Clock skew allowed between the issuer and this server. */
const CLOCK_TOLERANCE_SECONDS = 60;

function unauthorized(code: string, message: string): HttpError {
  return new HttpError(401, code, message, undefined, { 'www-authenticate': 'Bearer' });
}

/** A token must say when it ends, and not too far away: a leaked token must not work forever. */
function checkLifetime(payload: JWTPayload, maxSeconds: number, nowSeconds: number): void {
  if (typeof payload.exp !== 'number') {
    throw unauthorized('token_expiry_required', 'the token has no exp claim; tokens must expire');
  }
  const from = typeof payload.iat === 'number' ? Math.min(payload.iat, nowSeconds) : nowSeconds;
  if (payload.exp - from > maxSeconds + CLOCK_TOLERANCE_SECONDS) {
    throw unauthorized('token_lifetime_too_long', `tokens may live at most ${maxSeconds} seconds`);
  }
}

/**
 * Verifies bearer tokens and returns the caller. Algorithms are pinned (no
 * `alg: none`, no HS/RS confusion); a token without a tenant, without `exp`, or
 * living longer than `maxLifetimeSeconds` is refused (401 with a code).
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
  const options = {
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };
  const maxLifetime = config.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  return async (token) => {
    let payload: JWTPayload;
    try {
      if (jwks) ({ payload } = await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] }));
      else ({ payload } = await jwtVerify(token, secret!, { ...options, algorithms: ['HS256'] }));
    } catch {
      throw unauthorized('invalid_token', 'the bearer token is invalid or expired');
    }
    checkLifetime(payload, maxLifetime, Math.floor(Date.now() / 1000));
    const claims = claimsSchema.safeParse(payload);
    const principal = claims.success
      ? principalSchema.safeParse({
          tenantId: claims.data.tenantId,
          userId: claims.data.sub,
          role: claims.data.role,
        })
      : undefined;
    if (!principal?.success) {
      throw unauthorized('invalid_token', 'the token lacks valid tenantId, sub or role claims');
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
