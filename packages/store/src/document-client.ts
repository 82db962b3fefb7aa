import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DocumentClientSettings {
  /** An emulator or LocalStack (`AWS_ENDPOINT_URL` style); undefined talks to AWS. */
  endpoint?: string;
  region?: string;
  /** Where to look for credentials and region; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The DynamoDB client config behind {@link createDocumentClient}. With an endpoint
 * and no credentials in the environment it uses dummy ones: emulators accept
 * anything, and AWS itself is never sent them because it has no endpoint.
 */
export function dynamoClientConfig(settings: DocumentClientSettings = {}): DynamoDBClientConfig {
  const env = settings.env ?? process.env;
  const hasEnvCredentials = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE);
  return {
    region: settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.endpoint && !hasEnvCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  };
}

/**
 * A `DynamoDBDocumentClient` for the store (see {@link dynamoClientConfig}).
 *
 * @example
 * const documentClient = createDocumentClient({ endpoint: process.env.AWS_ENDPOINT_URL });
 */
export function createDocumentClient(settings: DocumentClientSettings = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(dynamoClientConfig(settings)), {
    // Optional fields left undefined in payloads and results are dropped, not rejected.
    marshallOptions: { removeUndefinedValues: true },
  });
}
