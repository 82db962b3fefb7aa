import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DocumentClientSettings {
  /** An emulator or LocalStack (`AWS_ENDPOINT_URL` style); undefined talks to AWS. */
  endpoint?: string;
  region?: string;
  /** Where to look for credentials and region; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Per-attempt bound on a call (connect to response headers); defaults to {@link DYNAMODB_TIMEOUTS}. */
  requestTimeoutMs?: number;
}

/**
 * Bounds on one attempt of a DynamoDB call. The SDK waits forever by default, so a
 * connection whose peer vanished without a reset (a partition, a frozen emulator) would
 * hold its caller for good: a sweep never finishing stops every later sweep in that
 * process. Calls answer in milliseconds, so an attempt past these fails (TimeoutError,
 * retried by the SDK, then by the caller) instead.
 */
export const DYNAMODB_TIMEOUTS = { connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 } as const;

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
    requestHandler: {
      connectionTimeout: DYNAMODB_TIMEOUTS.connectionTimeoutMs,
      requestTimeout: settings.requestTimeoutMs ?? DYNAMODB_TIMEOUTS.requestTimeoutMs,
      // Without it the SDK only logs a warning when the request timeout passes.
      throwOnRequestTimeout: true,
    },
  };
}

/** The low-level client beside each document client made here, created on first use. */
const commandClients = new WeakMap<DynamoDBDocumentClient, () => DynamoDBClient>();

/**
 * A `DynamoDBDocumentClient` for the store (see {@link dynamoClientConfig}).
 *
 * @example
 * const documentClient = createDocumentClient({ endpoint: process.env.AWS_ENDPOINT_URL });
 */
export function createDocumentClient(settings: DocumentClientSettings = {}): DynamoDBDocumentClient {
  const config = dynamoClientConfig(settings);
  const client = new DynamoDBClient(config);
  const documentClient = DynamoDBDocumentClient.from(client, {
    // Optional fields left undefined in payloads and results are dropped, not rejected.
    marshallOptions: { removeUndefinedValues: true },
  });
  let commandClient: DynamoDBClient | undefined;
  commandClients.set(documentClient, () => {
    commandClient ??= createCommandClient(config, client);
    return commandClient;
  });
  return documentClient;
}

/**
 * A low-level client for commands built once and sent many times (the job lifecycle's
 * hot writes). It resolves its middleware stack once per command class, which the
 * document client refuses to do, and leaves out the logger middleware, which filters
 * every input and output for the SDK's no-op logger. It shares the document client's
 * connection pool, so destroying the document client closes it too. A document client
 * made elsewhere is returned as is: it sends low-level commands unchanged, at the
 * uncached cost.
 *
 * @example
 * const client = commandClientFor(documentClient);
 * await client.send(new UpdateItemCommand(input));
 */
export function commandClientFor(documentClient: DynamoDBDocumentClient): DynamoDBClient {
  const made = commandClients.get(documentClient);
  // A document client is a client over the same config and stack; only its own commands translate.
  return made ? made() : (documentClient as unknown as DynamoDBClient);
}

function createCommandClient(config: DynamoDBClientConfig, sibling: DynamoDBClient): DynamoDBClient {
  const client = new DynamoDBClient({
    ...config,
    requestHandler: sibling.config.requestHandler,
    cacheMiddleware: true,
  });
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
