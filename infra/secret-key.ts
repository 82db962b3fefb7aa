import { infraNames } from './names';
import { keepOnRemoval } from './removal';

/**
 * The stage's KMS key for secrets at rest (mailbox passwords, webhook signing
 * secrets): the functions' secret cipher seals each one under a fresh data key
 * from it (`KMS_KEY_ID`), bound to the secret's context. The key never leaves KMS,
 * rotates yearly (old ciphertexts keep opening), and is granted per function
 * (`seal-secrets`, `open-secrets` in infra/needs.ts). In production it is kept when
 * the stage is removed (`keepOnRemoval`; SST's `removal: retain` alone would delete it):
 * deleting it would make every stored secret unreadable.
 */
export function secretKey(options: { production: boolean }) {
  return new aws.kms.Key(
    infraNames.secretKey,
    {
      description: `${$app.name} ${$app.stage}: seals mailbox passwords and webhook secrets`,
      enableKeyRotation: true,
      // KMS waits this long before deleting a key scheduled for deletion (7-30 days).
      deletionWindowInDays: options.production ? 30 : 7,
    },
    keepOnRemoval(),
  );
}
