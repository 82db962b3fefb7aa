import type { SecretCipher } from '@paperlane/core';
import { type WebhookRecord, webhookSecretContext } from '@paperlane/store';
import { type WebhookSigningKey, webhookSigningKey } from './signature';

/** The keys a delivery signs with: the current secret's, and the previous one's during its grace period. */
export interface SubscriptionSigningKeys {
  current: WebhookSigningKey;
  previous?: WebhookSigningKey | undefined;
}

/** Subscriptions' opened and imported signing keys, per process. */
export interface SigningKeyCache {
  /**
   * The keys for this record's secrets when this process has them already (`withPrevious`:
   * the previous secret's too); `undefined` when they must be opened.
   */
  peek(webhook: WebhookRecord, withPrevious: boolean): SubscriptionSigningKeys | undefined;
  /** Opens the record's sealed secrets, imports their keys and keeps them for the next delivery. */
  open(webhook: WebhookRecord, withPrevious: boolean): Promise<SubscriptionSigningKeys>;
}

interface Entry {
  /** The sealed secrets the keys were opened from: a rotation seals new ones, so a mismatch means a change. */
  sealed: string;
  keys: SubscriptionSigningKeys;
  sealedPrevious?: string;
}

/**
 * Keeps each subscription's signing keys, so a delivery neither waits for its secret to
 * open nor decodes and imports the HMAC key again. Entries are per tenant and subscription
 * (the secret's context names both), are replaced when the record carries other sealed
 * secrets than they were opened from (a rotation), and at most `maxEntries` are kept, the
 * least recently opened going first. The previous secret is opened only when asked for
 * (its grace period running), as before.
 *
 * @example
 * const keys = signingKeys.peek(webhook, inGrace) ?? (await signingKeys.open(webhook, inGrace));
 */
export function createSigningKeyCache(options: {
  cipher: SecretCipher;
  maxEntries?: number;
}): SigningKeyCache {
  const maxEntries = options.maxEntries ?? 1_000;
  const entries = new Map<string, Entry>();
  const keyOf = (webhook: WebhookRecord) => `${webhook.tenantId}\u0000${webhook.webhookId}`;
  const fresh = (entry: Entry | undefined, webhook: WebhookRecord, withPrevious: boolean) =>
    entry !== undefined &&
    entry.sealed === webhook.secretCiphertext &&
    (!withPrevious ||
      (entry.keys.previous !== undefined && entry.sealedPrevious === webhook.previousSecretCiphertext));

  return {
    peek(webhook, withPrevious) {
      const entry = entries.get(keyOf(webhook));
      return fresh(entry, webhook, withPrevious) ? entry?.keys : undefined;
    },
    async open(webhook, withPrevious) {
      const key = keyOf(webhook);
      const context = webhookSecretContext(webhook.tenantId, webhook.webhookId);
      const known = entries.get(key);
      const sealedPrevious = withPrevious ? webhook.previousSecretCiphertext : undefined;
      const [current, previous] = await Promise.all([
        known?.sealed === webhook.secretCiphertext
          ? known.keys.current
          : options.cipher.decrypt(webhook.secretCiphertext, context).then(webhookSigningKey),
        sealedPrevious === undefined
          ? undefined
          : known?.sealedPrevious === sealedPrevious && known.keys.previous
            ? known.keys.previous
            : options.cipher.decrypt(sealedPrevious, context).then(webhookSigningKey),
      ]);
      const keys: SubscriptionSigningKeys = { current, previous };
      entries.delete(key);
      entries.set(key, {
        sealed: webhook.secretCiphertext,
        keys,
        ...(sealedPrevious !== undefined ? { sealedPrevious } : {}),
      });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return keys;
    },
  };
}
