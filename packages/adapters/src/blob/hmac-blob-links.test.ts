import { type BlobLinkTarget, blobKeys } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { createHmacBlobLinks, MAX_FILE_TOKEN_CHARS } from './hmac-blob-links';

const SECRET = 'a-deployment-secret-of-at-least-32-characters';
const OTHER_SECRET = 'another-deployment-secret-of-32-characters-x';
const T0 = new Date('2026-12-05T08:00:00Z');

/** A clock a test moves by hand: no sleeps. */
function manualClock(start = T0) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const original: BlobLinkTarget = {
  tenantId: 'acme',
  documentId: 'doc_1',
  key: blobKeys.original('acme', 'doc_1'),
  kind: 'original',
  contentType: 'application/pdf',
  fileName: 'Rechnung März.pdf',
};
const thumbnail: BlobLinkTarget = {
  tenantId: 'acme',
  documentId: 'doc_1',
  key: blobKeys.thumbnail('acme', 'doc_1', 300),
  kind: 'thumbnail',
  width: 300,
  contentType: 'image/webp',
};

const tokenOf = (url: string) => url.slice('/files/'.length);
/** The token with its payload (the middle part) decoded, changed and encoded again. */
function withClaims(
  token: string,
  change: (claims: Record<string, unknown>) => Record<string, unknown>,
): string {
  const [version, payload = '', signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const changed = { ...claims, ...change(claims) };
  return [version, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.');
}

describe('HMAC file links', () => {
  it('signs a link under /files/ that verifies to the same target, with its expiry', async () => {
    const clock = manualClock();
    const links = createHmacBlobLinks({ secrets: [SECRET], clock });
    const link = await links.sign(original, { expiresInSeconds: 300 });
    expect(link.url).toMatch(/^\/files\/v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(link.expiresAt).toBe('2026-12-05T08:05:00.000Z');
    expect(links.verify(tokenOf(link.url))).toEqual({
      ok: true,
      claims: { ...original, expiresAt: new Date('2026-12-05T08:05:00Z') },
    });
    const thumb = await links.sign(thumbnail, { expiresInSeconds: 60 });
    expect(links.verify(tokenOf(thumb.url))).toMatchObject({ ok: true, claims: thumbnail });
  });

  it('expires exactly at expiresAt (a clock moved by hand, no waiting)', async () => {
    const clock = manualClock();
    const links = createHmacBlobLinks({ secrets: [SECRET], clock });
    const token = tokenOf((await links.sign(thumbnail, { expiresInSeconds: 5 })).url);
    clock.advance(4_999);
    expect(links.verify(token).ok).toBe(true);
    clock.advance(1);
    expect(links.verify(token)).toEqual({ ok: false, code: 'file_link_expired' });
  });

  it('refuses every changed claim: tenant, document, key, kind, width, type, name, expiry', async () => {
    const links = createHmacBlobLinks({ secrets: [SECRET], clock: manualClock() });
    const token = tokenOf((await links.sign(original, { expiresInSeconds: 300 })).url);
    const changes: Array<(c: Record<string, unknown>) => Record<string, unknown>> = [
      () => ({ t: 'globex' }),
      () => ({ d: 'doc_2' }),
      () => ({ k: blobKeys.original('globex', 'doc_1') }),
      () => ({ n: 'thumbnail' }),
      () => ({ w: 300 }),
      () => ({ c: 'text/html' }),
      () => ({ f: 'evil.html' }),
      (c) => ({ e: (c.e as number) + 86_400 }),
    ];
    for (const change of changes) {
      expect(links.verify(withClaims(token, change))).toEqual({ ok: false, code: 'invalid_file_token' });
    }
  });

  it('refuses tampered, truncated, re-spelled and malformed tokens', async () => {
    const links = createHmacBlobLinks({ secrets: [SECRET], clock: manualClock() });
    const token = tokenOf((await links.sign(original, { expiresInSeconds: 300 })).url);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const hostile = [
      `${token.slice(0, -1)}${last}`, // the MAC's last character (also its spare bits)
      token.slice(0, -1),
      token.slice(0, 20),
      `${token}A`,
      token.replace('v1.', 'v2.'),
      token.replace('v1.', ''),
      `${token}.extra`,
      token.split('.').slice(0, 2).join('.'), // no MAC
      `v1.${token.split('.')[1]}.${'A'.repeat(43)}`,
      `v1..${token.split('.')[2]}`,
      '',
      '../../../etc/passwd',
      '..%2F..%2Fetc%2Fpasswd',
      'v1.e30.' + 'A'.repeat(43), // `{}` with a made-up MAC
    ];
    for (const bad of hostile) {
      expect(links.verify(bad), bad).toEqual({ ok: false, code: 'invalid_file_token' });
    }
  });

  it('refuses a huge token without decoding it', () => {
    const links = createHmacBlobLinks({ secrets: [SECRET] });
    const huge = `v1.${'A'.repeat(MAX_FILE_TOKEN_CHARS)}.${'A'.repeat(43)}`;
    expect(links.verify(huge)).toEqual({ ok: false, code: 'invalid_file_token' });
    expect(links.verify('A'.repeat(5 * 1024 * 1024))).toEqual({ ok: false, code: 'invalid_file_token' });
  });

  it('refuses a token signed under another secret; accepts one signed under a previous secret', async () => {
    const old = createHmacBlobLinks({ secrets: [OTHER_SECRET], clock: manualClock() });
    const token = tokenOf((await old.sign(original, { expiresInSeconds: 300 })).url);
    expect(createHmacBlobLinks({ secrets: [SECRET] }).verify(token).ok).toBe(false);
    const rotated = createHmacBlobLinks({ secrets: [SECRET, OTHER_SECRET], clock: manualClock() });
    expect(rotated.verify(token).ok).toBe(true);
    // New links are signed with the first secret only.
    const fresh = tokenOf((await rotated.sign(original, { expiresInSeconds: 300 })).url);
    expect(old.verify(fresh).ok).toBe(false);
  });

  it('signs only 1..3600 second lifetimes and valid blob keys', async () => {
    const links = createHmacBlobLinks({ secrets: [SECRET] });
    for (const expiresInSeconds of [0, -1, 3601, 1.5, Number.NaN]) {
      await expect(links.sign(original, { expiresInSeconds })).rejects.toMatchObject({
        code: 'invalid_link_lifetime',
      });
    }
    await expect(
      links.sign({ ...original, key: 'tenants/acme/../globex/x' }, { expiresInSeconds: 60 }),
    ).rejects.toMatchObject({ code: 'invalid_blob_key' });
  });

  it('needs a secret of at least 32 characters', () => {
    expect(() => createHmacBlobLinks({ secrets: [] })).toThrow(/at least 32/);
    expect(() => createHmacBlobLinks({ secrets: ['short'] })).toThrow(/at least 32/);
  });
});
