import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A receiver's signature checks, written from the two specs and sharing no code with
 * Paperlane's sender, so a test's receiver verifies deliveries the way a subscriber would.
 */
type Headers = Record<string, string | string[] | undefined>;

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GitHub-style: `sha256=` + hex HMAC-SHA256 of the raw body, keyed with the secret as given. */
export function verifyXSignature256(secret: string, rawBody: string, header: unknown): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest();
  return sameBytes(Buffer.from(header.slice('sha256='.length), 'hex'), expected);
}

/**
 * Standard Webhooks: HMAC-SHA256 over `id.timestamp.body`, keyed with the base64 bytes
 * after `whsec_`; the header lists `v1,<base64>` entries separated by spaces, any of
 * which may match; the timestamp must be within five minutes.
 *
 * @example verifyStandardWebhooks(secret, request.body, request.headers)
 */
export function verifyStandardWebhooks(secret: string, rawBody: string, headers: Headers): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`, 'utf8').digest();
  return signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    return version === 'v1' && value !== undefined && sameBytes(Buffer.from(value, 'base64'), expected);
  });
}
