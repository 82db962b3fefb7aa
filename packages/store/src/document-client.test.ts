import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { startSilentServer } from '@paperlane/testing';
import { describe, expect, it } from 'vitest';
import { commandClientFor, createDocumentClient, dynamoClientConfig } from './document-client';

/** Every config bounds each attempt (see DYNAMODB_TIMEOUTS). */
const requestHandler = { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true };

describe('createDocumentClient', () => {
  it('points at the endpoint with dummy credentials when the environment has none', async () => {
    const client = createDocumentClient({ endpoint: 'http://127.0.0.1:4566', env: {} });
    expect((await client.config.credentials()).accessKeyId).toBe('local');
    expect(await client.config.region()).toBe('us-east-1');
    expect((await client.config.endpoint?.())?.hostname).toBe('127.0.0.1');
    client.destroy();
  });

  it('keeps the environment’s credentials even with an endpoint', () => {
    for (const env of [{ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }, { AWS_PROFILE: 'dev' }]) {
      const config = dynamoClientConfig({ endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1', env });
      expect(config).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', requestHandler });
    }
  });

  it('talks to AWS (no endpoint, no dummy credentials) by default', () => {
    expect(dynamoClientConfig({ env: { AWS_REGION: 'ap-southeast-2' } })).toEqual({
      region: 'ap-southeast-2',
      requestHandler,
    });
    expect(dynamoClientConfig({ env: { AWS_DEFAULT_REGION: 'eu-central-1' } })).toEqual({
      region: 'eu-central-1',
      requestHandler,
    });
  });
});

describe('commandClientFor', () => {
  it('is one cached-stack client per document client, on its connection pool and settings', async () => {
    const documentClient = createDocumentClient({ endpoint: 'http://127.0.0.1:4566', env: {} });
    const client = commandClientFor(documentClient);
    expect(client).not.toBe(documentClient);
    expect(commandClientFor(documentClient)).toBe(client);
    expect(client.config.cacheMiddleware).toBe(true);
    expect(client.config.requestHandler).toBe(documentClient.config.requestHandler);
    expect((await client.config.endpoint?.())?.hostname).toBe('127.0.0.1');
    expect((await client.config.credentials()).accessKeyId).toBe('local');
    expect(client.middlewareStack.identify().some((name) => name.startsWith('loggerMiddleware'))).toBe(false);
    // The document client's own stack keeps its logger middleware.
    expect(
      documentClient.middlewareStack.identify().some((name) => name.startsWith('loggerMiddleware')),
    ).toBe(true);
    documentClient.destroy();
  });

  it('sends through a document client made elsewhere', () => {
    const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient(dynamoClientConfig({ env: {} })));
    expect(commandClientFor(documentClient)).toBe(documentClient);
    documentClient.destroy();
  });

  it('fails a call whose server accepted the connection and never answers, on both clients, instead of waiting for good', async () => {
    const silent = await startSilentServer();
    const documentClient = createDocumentClient({
      endpoint: silent.endpoint,
      env: {},
      requestTimeoutMs: 200,
    });
    try {
      await expect(
        documentClient.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } })),
      ).rejects.toMatchObject({ name: 'TimeoutError' });
      await expect(commandClientFor(documentClient).send(new ListTablesCommand({}))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      // Both reached the server (so the failure is the request timeout, not the connection).
      expect(silent.requests()).toBeGreaterThanOrEqual(2);
    } finally {
      documentClient.destroy();
      await silent.close();
    }
  });
});
