import { createHmacBlobLinks } from '@paperlane/adapters/blob/hmac-blob-links';
import type { BlobLinkSigner, Clock, FileTokenVerifier } from '@paperlane/core';
import type { Config } from './config/config';
import { devSecretKey } from './config/dev-secret';
import { s3FileLinksFor } from './s3-file-links';

/** How this deployment hands out short-lived file links, and checks them when it serves them itself. */
export interface FileLinks {
  signer: BlobLinkSigner;
  /** Present where the API serves the links (`/files/{token}`); S3 checks its own. */
  tokens?: FileTokenVerifier;
  /** Where links point when not the API's own origin (the bucket): the console lets images load from it. */
  origin?: string;
}

/**
 * File links for the files this process uses: HMAC tokens served at `/files/{token}`
 * when files are a local folder, S3 presigned GETs otherwise. The HMAC key is derived
 * from `SECRET_KEY` (older `SECRET_KEY_PREVIOUS` keys still verify), else from the
 * key generated under DATA_DIR, the same one that seals secrets at rest: no new
 * setting, and every process of one `npm start` shares it.
 *
 * @example const links = await fileLinksFor(config); links.signer.sign(target, { expiresInSeconds: 300 })
 */
export async function fileLinksFor(config: Config, clock?: Clock): Promise<FileLinks> {
  if (!config.embed.files) return s3FileLinksFor(config);
  const { env } = config;
  const current = env.SECRET_KEY ?? (await devSecretKey(env.DATA_DIR));
  const previous = (env.SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length >= 32);
  const links = createHmacBlobLinks({ secrets: [current, ...previous], ...(clock ? { clock } : {}) });
  return { signer: links, tokens: links };
}
