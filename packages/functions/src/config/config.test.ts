import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('counts the enqueue budget in the table unless DynamoDB is embedded in this one process', () => {
    expect(loadConfig({}).rateLimitScope).toBe('process');
    expect(loadConfig({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567' }).rateLimitScope).toBe('shared');
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'api', TABLE_NAME: 'paperlane' }).rateLimitScope).toBe(
      'shared',
    );
    expect(loadConfig({ RATE_LIMIT_SCOPE: 'shared' }).rateLimitScope).toBe('shared');
  });

  it('refuses hostile settings by name, never echoing their values', () => {
    for (const [name, value] of [
      ['RATE_LIMIT_SCOPE', 'global'],
      ['RATE_LIMIT_PER_MINUTE', '0'],
      ['RATE_LIMIT_PER_MINUTE', 'lots'],
      ['UPLOAD_MAX_FILES', '100000'],
      ['SQS_ENDPOINT_IS_EMBEDDED', 'yes'],
    ] as const) {
      const attempt = () => loadConfig({ [name]: value });
      expect(attempt).toThrow(new RegExp(name));
      try {
        attempt();
      } catch (error) {
        expect(String(error)).not.toContain(`"${value}"`);
      }
    }
  });
});
