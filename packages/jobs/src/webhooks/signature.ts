import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { ValidationError } from '@paperlane/core';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

/**
 * A new signing secret: `whsec_` and 32 random bytes in base64, the Standard Webhooks
 * form. Shown to the tenant once, then kept only sealed.
 *
 * @example generateWebhookSecret() // "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
 */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The HMAC key of a Standard Webhooks secret: the bytes after `whsec_`, base64-decoded. */
export function standardSigningKey(secret: string): Buffer {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    throw new ValidationError('a webhook secret starts with whsec_', { code: 'invalid_webhook_secret' });
  }
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  if (key.length < 16)
    throw new ValidationError('the webhook secret is too short', { code: 'invalid_webhook_secret' });
  return key;
}

/**
 * A secret's two HMAC keys, imported once: the Standard Webhooks key (the decoded bytes
 * after `whsec_`) and the GitHub-style key (the secret string's own bytes). Signing with
 * these skips decoding and importing the key on every attempt.
 */
export interface WebhookSigningKey {
  standard: KeyObject;
  github: KeyObject;
}

/**
 * Imports a secret's signing keys (see {@link WebhookSigningKey}).
 *
 * @throws ValidationError when the secret is not a `whsec_` key
 * @example const key = webhookSigningKey(secret); webhookSignatureHeaders({ id, at, body, secret: key });
 */
export function webhookSigningKey(secret: string): WebhookSigningKey {
  return {
    standard: createSecretKey(standardSigningKey(secret)),
    github: createSecretKey(Buffer.from(secret, 'utf8')),
  };
}

/** A secret as the signers take it: the string shown to the tenant, or its imported keys. */
export type WebhookSecret = string | WebhookSigningKey;

/**
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per Standard Webhooks; one entry per
 * secret, space-separated (during a rotation's grace period both secrets sign).
 */
export function standardWebhookSignature(input: {
  id: string;
  timestampSeconds: number;
  body: string;
  secrets: readonly WebhookSecret[];
}): string {
  const signed = `${input.id}.${input.timestampSeconds}.${input.body}`;
  let signature = '';
  for (const secret of input.secrets) {
    const key = typeof secret === 'string' ? standardSigningKey(secret) : secret.standard;
    signature += `${signature ? ' ' : ''}v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  }
  return signature;
}

/**
 * `sha256=<hex HMAC-SHA256 of the body>`, as GitHub sends in `X-Hub-Signature-256`.
 * The key is the secret string exactly as shown to the tenant (`whsec_…` included),
 * which is what a GitHub-style verifier configured with that secret computes.
 */
export function githubStyleSignature(secret: WebhookSecret, body: string): string {
  const key = typeof secret === 'string' ? secret : secret.github;
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

/**
 * Every signature header of one attempt. `X-Signature-256` carries one value, so it
 * is signed with the current secret only; `webhook-signature` carries both while the
 * previous secret is in its grace period. Secrets may be given as strings or as keys
 * imported once ({@link webhookSigningKey}); the headers are the same.
 *
 * @example
 * webhookSignatureHeaders({ id: 'evt_1', at: new Date(), body, secret, previousSecret })
 */
export function webhookSignatureHeaders(input: {
  id: string;
  at: Date;
  body: string;
  secret: WebhookSecret;
  previousSecret?: WebhookSecret | undefined;
}): Record<string, string> {
  const timestampSeconds = Math.floor(input.at.getTime() / 1000);
  const secrets = input.previousSecret ? [input.secret, input.previousSecret] : [input.secret];
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': standardWebhookSignature({
      id: input.id,
      timestampSeconds,
      body: input.body,
      secrets,
    }),
    'x-signature-256': githubStyleSignature(input.secret, input.body),
  };
}
