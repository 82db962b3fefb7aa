import { sstNames } from '@paperlane/core';

type Secret = InstanceType<typeof sst.Secret>;

/**
 * Secrets, set per stage with `npx sst secret set <Name> <value> --stage <stage>`.
 * A secret without a placeholder must be set before a deploy succeeds. The provider
 * keys default to an empty string, which the jobs read as "not configured" and fall
 * back (tesseract for OCR, rule-based extraction and summaries).
 */
export function secrets(options: { jwtRequired: boolean }): Record<keyof typeof sstNames.secrets, Secret> {
  const { jwtSecret, openAiApiKey, googleCredentials } = sstNames.secrets;
  return {
    // HS256 tokens need it; with an external issuer (JWKS) the app does not.
    jwtSecret: options.jwtRequired ? new sst.Secret(jwtSecret) : new sst.Secret(jwtSecret, ''),
    openAiApiKey: new sst.Secret(openAiApiKey, ''),
    // A service account's JSON key, for Google Vision OCR.
    googleCredentials: new sst.Secret(googleCredentials, ''),
  };
}
