export interface AwsClientSettings {
  /** LocalStack, an emulator, or undefined for AWS itself. */
  endpoint?: string;
  region?: string;
  /**
   * Bounds each attempt of a call (connect to response headers). The SDK waits forever
   * by default; left unset for clients whose calls may legitimately take long (S3
   * transfers of large files).
   */
  requestTimeoutMs?: number;
  /**
   * Connections the client may hold at once (the SDK's default is 50). A poller's
   * loops each hold one through a long poll; past the limit a loop's receive waits
   * for another's to end.
   */
  maxSockets?: number;
}

/** Connecting to an AWS endpoint or emulator takes milliseconds; past this an attempt fails. */
const CONNECTION_TIMEOUT_MS = 3_000;

/**
 * SQS calls answer at once except a long-poll receive, which waits up to 20 s for
 * messages: past 30 s an attempt fails (TimeoutError) and is retried, so a connection
 * whose peer vanished without a reset cannot hold a consumer's poll or a sweep's
 * re-send forever.
 */
export const SQS_REQUEST_TIMEOUT_MS = 30_000;

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
    ...(settings.requestTimeoutMs !== undefined || settings.maxSockets !== undefined
      ? { requestHandler: requestHandlerOptions(settings) }
      : {}),
  };
}

function requestHandlerOptions(settings: AwsClientSettings) {
  const agent = settings.maxSockets === undefined ? undefined : { maxSockets: settings.maxSockets };
  return {
    ...(settings.requestTimeoutMs !== undefined
      ? {
          connectionTimeout: CONNECTION_TIMEOUT_MS,
          requestTimeout: settings.requestTimeoutMs,
          // Without it the SDK only logs a warning when the request timeout passes.
          throwOnRequestTimeout: true,
        }
      : {}),
    ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}),
  };
}

/**
 * {@link awsClientConfig} for an `SQSClient`: each attempt bounded by
 * {@link SQS_REQUEST_TIMEOUT_MS} unless the settings say otherwise.
 *
 * @example const sqs = new SQSClient(sqsClientConfig({ endpoint: process.env.AWS_ENDPOINT_URL_SQS }));
 */
export function sqsClientConfig(settings: AwsClientSettings = {}) {
  return awsClientConfig({ requestTimeoutMs: SQS_REQUEST_TIMEOUT_MS, ...settings });
}
