// Stands in for @aws-sdk/credential-provider-node in Lambda bundles (see
// lambdaCredentials in esbuild-plugins.mjs). Same exports, Lambda's sources only.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { CredentialsProviderError } from '@smithy/core/config';

const CONTAINER_URIS = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

/**
 * The SDK clients' default credentials on Lambda: the runtime puts the execution
 * role's keys in the environment, so that is read first; a container credentials
 * endpoint, where one is configured, is the fallback (loaded only then). Profiles,
 * SSO, web identity and instance metadata never apply to a function, so their
 * providers (and the STS/SSO clients they carry) are not in the package.
 */
export const defaultProvider =
  (init = {}) =>
  async (properties) => {
    try {
      return await fromEnv(init)(properties);
    } catch {
      if (!CONTAINER_URIS.some((name) => process.env[name])) {
        throw new CredentialsProviderError(
          'no AWS credentials: a Lambda function reads them from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a container credentials endpoint; neither is set',
          { logger: init.logger, tryNextLink: false },
        );
      }
      const { fromHttp } = await import('@aws-sdk/credential-provider-http');
      return fromHttp(init)(properties);
    }
  };

/** As the full chain: credentials with an expiry are refreshed once within five minutes of it. */
export const credentialsWillNeedRefresh = (credentials) => credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
