import { createHmac, randomBytes } from 'node:crypto';
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
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per Standard Webhooks; one entry per
 * secret, space-separated (during a rotation's grace period both secrets sign).
 */
export function standardWebhookSignature(input: {
  id: string;
  timestampSeconds: number;
  body: string;
  secrets: readonly string[];
}): string {
  const signed = `${input.id}.${input.timestampSeconds}.${input.body}`;
  return input.secrets
    .map((secret) => `v1,${createHmac('sha256', standardSigningKey(secret)).update(signed).digest('base64')}`)
    .join(' ');
}

/**
 * `sha256=<hex HMAC-SHA256 of the body>`, as GitHub sends in `X-Hub-Signature-256`.
 * The key is the secret string exactly as shown to the tenant (`whsec_…` included),
 * which is what a GitHub-style verifier configured with that secret computes.
 */
export function githubStyleSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Every signature header of one attempt. `X-Signature-256` carries one value, so it
 * is signed with the current secret only; `webhook-signature` carries both while the
 * previous secret is in its grace period.
 *
 * @example
 * webhookSignatureHeaders({ id: 'evt_1', at: new Date(), body, secret, previousSecret })
 */
export function webhookSignatureHeaders(input: {
  id: string;
  at: Date;
  body: string;
  secret: string;
  previousSecret?: string;
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
