import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { commandClientFor, createDocumentClient, dynamoClientConfig } from './document-client';

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
      expect(config).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' });
    }
  });

  it('talks to AWS (no endpoint, no dummy credentials) by default', () => {
    expect(dynamoClientConfig({ env: { AWS_REGION: 'ap-southeast-2' } })).toEqual({
      region: 'ap-southeast-2',
    });
    expect(dynamoClientConfig({ env: { AWS_DEFAULT_REGION: 'eu-central-1' } })).toEqual({
      region: 'eu-central-1',
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
});
