import { describe, expect, it } from 'vitest';
import { createDocumentClient, dynamoClientConfig } from './document-client';

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
