import { type BlobLinkTarget, MAX_FILE_LINK_SECONDS, ValidationError } from '@paperlane/core';
import { assertBlobKey } from './blob-key';

/**
 * What every link signer refuses before signing: a lifetime outside 1..MAX_FILE_LINK_SECONDS
 * (400 `invalid_link_lifetime`) and a key that is not a blob key.
 *
 * @example assertLinkRequest(target, 300);
 */
export function assertLinkRequest(target: BlobLinkTarget, expiresInSeconds: number): void {
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > MAX_FILE_LINK_SECONDS
  ) {
    throw new ValidationError(`a link lives 1 to ${MAX_FILE_LINK_SECONDS} seconds`, {
      code: 'invalid_link_lifetime',
    });
  }
  assertBlobKey(target.key);
}
