/**
 * Encrypts secrets kept at rest (mailbox passwords, webhook signing secrets). The
 * ciphertext is self-describing (scheme and key id inside), so keys can rotate and
 * records written under an old key still open. `context` binds a ciphertext to its
 * owner (e.g. `tenant:t1/mailbox:m1`): opened under another context, it fails.
 */
export interface SecretCipher {
  encrypt(plaintext: string, context: string): Promise<string>;
  decrypt(ciphertext: string, context: string): Promise<string>;
}
