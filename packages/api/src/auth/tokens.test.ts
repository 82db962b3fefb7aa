import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, mintToken } from './tokens';

const secret = 'tokens-test-secret-long-enough-for-hs256';
const key = new TextEncoder().encode(secret);
const principal = { tenantId: 'acme', userId: 'u1', role: 'user' as const };

function unsigned(claims: Record<string, unknown> = {}) {
  return new SignJWT({ tenantId: 'acme', role: 'user', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('u1');
}

describe('createTokenVerifier', () => {
  const verify = createTokenVerifier({ secret });

  it('accepts a minted token up to the maximum lifetime', async () => {
    await expect(verify(await mintToken(secret, principal))).resolves.toEqual(principal);
    await expect(verify(await mintToken(secret, principal, { expiresIn: '30d' }))).resolves.toEqual(
      principal,
    );
    expect(DEFAULT_MAX_TOKEN_LIFETIME_SECONDS).toBe(30 * 24 * 3600);
  });

  it('refuses a token without exp: 401 token_expiry_required', async () => {
    const token = await unsigned().setIssuedAt().sign(key);
    await expect(verify(token)).rejects.toMatchObject({ status: 401, code: 'token_expiry_required' });
  });

  it('refuses a token living past the maximum, measured from iat or from now', async () => {
    const yearLong = await unsigned().setIssuedAt().setExpirationTime('365d').sign(key);
    await expect(verify(yearLong)).rejects.toMatchObject({ status: 401, code: 'token_lifetime_too_long' });
    // An iat in the past does not shorten what is left: 40 days from now is too long however it is dated.
    const backdated = await unsigned()
      .setIssuedAt(Math.floor(Date.now() / 1000) - 20 * 86_400)
      .setExpirationTime('40d')
      .sign(key);
    await expect(verify(backdated)).rejects.toMatchObject({ code: 'token_lifetime_too_long' });
    const noIat = await unsigned().setExpirationTime('31d').sign(key);
    await expect(verify(noIat)).rejects.toMatchObject({ code: 'token_lifetime_too_long' });
    const short = createTokenVerifier({ secret, maxLifetimeSeconds: 3600 });
    await expect(short(await mintToken(secret, principal, { expiresIn: '2h' }))).rejects.toMatchObject({
      code: 'token_lifetime_too_long',
    });
  });

  it('keeps invalid_token for bad signatures and expired tokens', async () => {
    const expired = await unsigned().setIssuedAt(1_700_000_000).setExpirationTime(1_700_000_100).sign(key);
    await expect(verify(expired)).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
    const forged = await unsigned()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    await expect(verify(forged)).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
  });
});
