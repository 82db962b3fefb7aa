import { createHmac, webcrypto } from 'node:crypto';
import { ValidationError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import {
  generateWebhookSecret,
  standardSigningKey,
  webhookSignatureHeaders,
  webhookSigningKey,
} from './signature';

/** Verifies with WebCrypto, a separate HMAC implementation from the signer's. */
async function hmac(key: Uint8Array, message: string, encoding: 'hex' | 'base64'): Promise<string> {
  const imported = await webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = Buffer.from(await webcrypto.subtle.sign('HMAC', imported, new TextEncoder().encode(message)));
  return mac.toString(encoding);
}

describe('webhook signatures', () => {
  const body = '{"id":"evt_1","type":"entry.approved","data":{"amount":"12.50 €"}}';
  const at = new Date('2030-01-01T00:00:07.900Z');

  it('generates whsec_ secrets of 32 random bytes', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('signs the Standard Webhooks way and the GitHub way', async () => {
    const secret = generateWebhookSecret();
    const headers = webhookSignatureHeaders({ id: 'evt_1', at, body, secret });
    expect(headers['webhook-id']).toBe('evt_1');
    expect(headers['webhook-timestamp']).toBe('1893456007');
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = await hmac(key, `evt_1.1893456007.${body}`, 'base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    const github = await hmac(new TextEncoder().encode(secret), body, 'hex');
    expect(headers['x-signature-256']).toBe(`sha256=${github}`);
  });

  it('signs with both secrets during a rotation grace period', async () => {
    const secret = generateWebhookSecret();
    const previousSecret = generateWebhookSecret();
    const headers = webhookSignatureHeaders({ id: 'evt_2', at, body, secret, previousSecret });
    const parts = headers['webhook-signature']!.split(' ');
    const signed = `evt_2.1893456007.${body}`;
    expect(parts).toEqual([
      `v1,${await hmac(Buffer.from(secret.slice(6), 'base64'), signed, 'base64')}`,
      `v1,${await hmac(Buffer.from(previousSecret.slice(6), 'base64'), signed, 'base64')}`,
    ]);
    // A changed body no longer verifies.
    const tampered = `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`evt_2.1893456007.${body} `)
      .digest('base64')}`;
    expect(parts).not.toContain(tampered);
  });

  it('signs the same with keys imported once as with the secret strings', async () => {
    const secret = generateWebhookSecret();
    const previousSecret = generateWebhookSecret();
    const headers = webhookSignatureHeaders({
      id: 'evt_3',
      at,
      body,
      secret: webhookSigningKey(secret),
      previousSecret: webhookSigningKey(previousSecret),
    });
    const signed = `evt_3.1893456007.${body}`;
    expect(headers['webhook-signature']).toBe(
      [
        `v1,${await hmac(Buffer.from(secret.slice(6), 'base64'), signed, 'base64')}`,
        `v1,${await hmac(Buffer.from(previousSecret.slice(6), 'base64'), signed, 'base64')}`,
      ].join(' '),
    );
    expect(headers['x-signature-256']).toBe(
      `sha256=${await hmac(new TextEncoder().encode(secret), body, 'hex')}`,
    );
  });

  it('refuses secrets that are not whsec_ keys', () => {
    expect(() => webhookSigningKey('hunter2')).toThrow(ValidationError);
    expect(() => standardSigningKey('hunter2')).toThrow(ValidationError);
    expect(() => standardSigningKey('whsec_')).toThrow(ValidationError);
  });
});
