import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import {
  type BlobLink,
  type BlobLinkSigner,
  type Clock,
  ConfigError,
  type FileTokenVerifier,
  systemClock,
} from '@paperlane/core';
import { z } from 'zod';
import { assertLinkRequest } from './link-request';

/** Longest token `verify` looks at: a signed token is well under it (a 200-character name, a 1 KB key). */
export const MAX_FILE_TOKEN_CHARS = 4096;

const VERSION = 'v1';
/** Separates this key's use from every other use of the same secret (HKDF `info`). */
const KEY_PURPOSE = 'paperlane/file-links/v1';
const TOKEN_SHAPE = /^v1\.([A-Za-z0-9_-]{1,4000})\.([A-Za-z0-9_-]{43})$/;

/** The signed fields, short-named: the token travels in a URL. */
const claimsSchema = z.strictObject({
  t: z.string().min(1).max(128),
  d: z.string().min(1).max(128),
  k: z.string().min(1).max(1024),
  n: z.enum(['original', 'thumbnail']),
  w: z.number().int().min(1).max(99_999).optional(),
  c: z.string().min(1).max(255),
  f: z.string().min(1).max(1024).optional(),
  /** Expiry, seconds since the epoch. */
  e: z.number().int().min(0),
});

/**
 * Signs links and checks their tokens. `verify` never throws: a malformed, tampered,
 * foreign or oversized token is `invalid_file_token`; only a genuine one past its
 * time is `file_link_expired`.
 */
export interface HmacBlobLinks extends BlobLinkSigner, FileTokenVerifier {}

export interface HmacBlobLinksOptions {
  /**
   * Deployment secrets the signing key is derived from (HKDF-SHA256, its own purpose
   * label, so the key differs from any other use of the secret). The first signs;
   * every one verifies, so links signed before a rotation keep working until they
   * expire.
   */
  secrets: readonly string[];
  clock?: Clock;
  /** Prefix of the links `sign` returns; default `/files/` (relative to the API's origin). */
  basePath?: string;
}

const base64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

/**
 * Short-lived file links signed with HMAC-SHA256, served by the API at
 * `/files/{token}`: the local counterpart of S3 presigned GETs. The token carries
 * everything the download needs (tenant, document, blob key, kind, width, content
 * type, download name, expiry), so serving it reads no record; the MAC covers all of
 * it, so none can be changed. Comparison is constant-time.
 *
 * @example
 * const links = createHmacBlobLinks({ secrets: [process.env.SECRET_KEY] });
 * const { url } = await links.sign(target, { expiresInSeconds: 300 }); // '/files/v1.eyJ0Ijo….Q2x…'
 * links.verify(url.slice('/files/'.length)); // { ok: true, claims: { …target, expiresAt } }
 */
export function createHmacBlobLinks(options: HmacBlobLinksOptions): HmacBlobLinks {
  if (options.secrets.length === 0 || options.secrets.some((s) => s.length < 32)) {
    throw new ConfigError('file links need a secret of at least 32 characters', {
      code: 'file_links_unconfigured',
    });
  }
  const keys = options.secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, '', KEY_PURPOSE, 32)));
  const clock = options.clock ?? systemClock;
  const basePath = options.basePath ?? '/files/';
  const mac = (key: Buffer, payload: string) =>
    createHmac('sha256', key).update(`${VERSION}.${payload}`).digest();

  return {
    async sign(target, { expiresInSeconds }): Promise<BlobLink> {
      assertLinkRequest(target, expiresInSeconds);
      const expires = Math.floor(clock.now().getTime() / 1000) + expiresInSeconds;
      const claims = claimsSchema.parse({
        t: target.tenantId,
        d: target.documentId,
        k: target.key,
        n: target.kind,
        ...(target.width === undefined ? {} : { w: target.width }),
        c: target.contentType,
        ...(target.fileName === undefined ? {} : { f: target.fileName }),
        e: expires,
      });
      const payload = base64url(JSON.stringify(claims));
      const [signingKey] = keys as [Buffer];
      const token = `${VERSION}.${payload}.${base64url(mac(signingKey, payload))}`;
      return { url: `${basePath}${token}`, expiresAt: new Date(expires * 1000).toISOString() };
    },

    verify(token) {
      const invalid = { ok: false, code: 'invalid_file_token' } as const;
      // Length first: nothing larger is decoded or hashed.
      if (typeof token !== 'string' || token.length > MAX_FILE_TOKEN_CHARS) return invalid;
      const shape = TOKEN_SHAPE.exec(token);
      if (!shape) return invalid;
      const [, payload = '', signature = ''] = shape;
      // Compared as text, not decoded bytes: base64 ignores a last character's spare bits,
      // so two spellings would decode to one MAC and a changed token could still pass.
      const given = Buffer.from(signature);
      // Every key is tried, whatever the first answer: the time taken says nothing about which matched.
      let matched = false;
      for (const key of keys) {
        const expected = Buffer.from(base64url(mac(key, payload)));
        if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
      }
      if (!matched) return invalid;
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return invalid;
      }
      // Only this server's own tokens get here; the schema still guards a key rotated in from elsewhere.
      const parsed = claimsSchema.safeParse(json);
      if (!parsed.success) return invalid;
      const c = parsed.data;
      const expiresAt = new Date(c.e * 1000);
      if (expiresAt.getTime() <= clock.now().getTime()) return { ok: false, code: 'file_link_expired' };
      return {
        ok: true,
        claims: {
          tenantId: c.t,
          documentId: c.d,
          key: c.k,
          kind: c.n,
          ...(c.w === undefined ? {} : { width: c.w }),
          contentType: c.c,
          ...(c.f === undefined ? {} : { fileName: c.f }),
          expiresAt,
        },
      };
    },
  };
}
