export interface AwsClientSettings {
  /** LocalStack, an emulator, or undefined for AWS itself. */
  endpoint?: string;
  region?: string;
}

/**
 * Config shared by every AWS SDK client. With an endpoint (LocalStack, fauxqs,
 * dynalite) and no credentials in the environment, dummy ones are used: emulators
 * accept anything, and AWS itself is never sent them because it has no endpoint.
 */
export function awsClientConfig(settings: AwsClientSettings = {}) {
  const hasEnvCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
  return {
    region: settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.endpoint && !hasEnvCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  };
}
