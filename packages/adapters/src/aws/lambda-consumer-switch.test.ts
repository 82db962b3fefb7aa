import type { LambdaClient } from '@aws-sdk/client-lambda';
import { ConfigError, ConflictError } from '@paperlane/core';
import { type LambdaFake, startLambdaFake } from '@paperlane/testing/fakes/lambda-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaClient, createLambdaConsumerSwitch } from './lambda-consumer-switch';

const sqsArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const CONSUMER = 'paperlane-prod-ThumbnailConsumerFunction-a1b2c3';

let fake: LambdaFake;
let lambda: LambdaClient;

beforeAll(async () => {
  // One mapping per page, so every listing pages.
  fake = await startLambdaFake({ pageSize: 1 });
  lambda = createLambdaClient({ endpoint: fake.endpoint, region: 'us-east-1' });
});
afterAll(async () => {
  lambda?.destroy();
  await fake?.stop();
});
afterEach(() => {
  fake.requests.length = 0;
});

const puts = () => fake.requests.filter((r) => r.startsWith('PUT '));

describe('createLambdaConsumerSwitch', () => {
  it("disables and re-enables both lanes' event sources of the queue's function, and nothing else", async () => {
    const high = fake.addMapping(CONSUMER, sqsArn('thumbnail'));
    const low = fake.addMapping(CONSUMER, sqsArn('thumbnail-low'));
    const stream = fake.addMapping(
      CONSUMER,
      'arn:aws:dynamodb:us-east-1:000000000000:table/jobs/stream/2026-01-01T00:00:00.000',
    );
    const other = fake.addMapping('paperlane-prod-LlmSummaryConsumerFunction-d4e5f6', sqsArn('llm-summary'));
    const consumers = createLambdaConsumerSwitch({
      lambda,
      functions: { thumbnail: CONSUMER, 'llm-summary': 'paperlane-prod-LlmSummaryConsumerFunction-d4e5f6' },
    });

    await consumers.setEnabled('thumbnail', false);
    expect([fake.mapping(high)?.State, fake.mapping(low)?.State]).toEqual(['Disabling', 'Disabling']);
    expect(fake.mapping(stream)?.State).toBe('Enabled');
    expect(fake.mapping(other)?.State).toBe('Enabled');
    // Three mappings, one per page: the listing followed NextMarker to the end.
    expect(fake.requests.filter((r) => r.startsWith('GET '))).toHaveLength(3);
    expect(fake.requests[0]).toContain(`FunctionName=${CONSUMER}`);

    // Already on its way: a second pause updates nothing.
    fake.requests.length = 0;
    await consumers.setEnabled('thumbnail', false);
    expect(puts()).toEqual([]);

    fake.settle();
    await consumers.setEnabled('thumbnail', true);
    expect(puts().sort()).toEqual(
      [
        `PUT /2015-03-31/event-source-mappings/${high}`,
        `PUT /2015-03-31/event-source-mappings/${low}`,
      ].sort(),
    );
    fake.settle();
    expect([fake.mapping(high)?.State, fake.mapping(low)?.State]).toEqual(['Enabled', 'Enabled']);
  });

  it('retries an update refused while the mapping changes state, then reports the queue as busy', async () => {
    const fn = 'paperlane-prod-EmailSyncConsumerFunction-0a0b0c';
    const uuid = fake.addMapping(fn, sqsArn('email-sync'), 'Disabling');
    const waits: number[] = [];
    // The transition ends during the first pause: the retry goes through.
    const settling = createLambdaConsumerSwitch({
      lambda,
      functions: { 'email-sync': fn },
      retryDelaysMs: [5, 10],
      wait: async (ms) => {
        waits.push(ms);
        fake.settle();
      },
    });
    await settling.setEnabled('email-sync', true);
    expect(waits).toEqual([5]);
    expect(fake.mapping(uuid)?.State).toBe('Enabling');

    // It never ends: after the retries, a ConflictError the API answers with 409.
    const stuck = createLambdaConsumerSwitch({
      lambda,
      functions: { 'email-sync': fn },
      retryDelaysMs: [1, 1],
      wait: async (ms) => void waits.push(ms),
    });
    const error = await stuck.setEnabled('email-sync', false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'consumer_switch_busy' });
    expect(puts()).toHaveLength(2 + 3);
  });

  it('names what is missing: no function for the queue, a function without SQS mappings, a function Lambda does not know', async () => {
    fake.addFunction('paperlane-prod-AutomationConsumerFunction-empty');
    const consumers = createLambdaConsumerSwitch({
      lambda,
      functions: {
        automation: 'paperlane-prod-AutomationConsumerFunction-empty',
        'webhook-delivery': 'paperlane-prod-WebhookDeliveryConsumerFunction-gone',
      },
    });
    await expect(consumers.setEnabled('invoice-processing', false)).rejects.toMatchObject({
      name: 'ConfigError',
      code: 'consumer_unknown',
    });
    await expect(consumers.setEnabled('automation', false)).rejects.toMatchObject({
      code: 'no_event_sources',
    });
    await expect(consumers.setEnabled('webhook-delivery', false)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(puts()).toEqual([]);
  });

  it('refuses hostile function names and unknown queues without echoing them', () => {
    for (const functions of [
      { thumbnail: 'name with spaces' },
      { thumbnail: '../../etc/passwd' },
      { thumbnail: `${'x'.repeat(65)}` },
      { thumbnail: 'ok-name', 'rm -rf': 'ok-name' },
      { thumbnail: 42 },
    ]) {
      let error: unknown;
      try {
        createLambdaConsumerSwitch({ lambda, functions: functions as never });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('invalid_config');
      expect((error as Error).message).not.toMatch(/spaces|passwd|xxxx|rm -rf/);
    }
    expect(() =>
      createLambdaConsumerSwitch({
        lambda,
        functions: { thumbnail: 'arn:aws:lambda:eu-west-1:123456789012:function:paperlane-Thumb:live' },
      }),
    ).not.toThrow();
  });
});

describe('the Lambda fake', () => {
  it('refuses unsigned requests and unknown routes the way Lambda does', async () => {
    const unsigned = await fetch(`${fake.endpoint}/2015-03-31/event-source-mappings/`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException:/);
    const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=x' };
    const missing = await fetch(`${fake.endpoint}/2015-03-31/event-source-mappings/nope`, {
      method: 'PUT',
      headers: signed,
      body: '{"Enabled":false}',
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toMatch(/^ResourceNotFoundException:/);
    const broken = await fetch(
      `${fake.endpoint}/2015-03-31/event-source-mappings/${fake.addMapping('f', sqsArn('q'))}`,
      { method: 'PUT', headers: signed, body: '{"Enabled":' },
    );
    expect(broken.headers.get('x-amzn-errortype')).toMatch(/^InvalidRequestContentException:/);
    const badName = await fetch(`${fake.endpoint}/2015-03-31/event-source-mappings/?FunctionName=a%20b`, {
      headers: signed,
    });
    expect(badName.headers.get('x-amzn-errortype')).toMatch(/^InvalidParameterValueException:/);
  });
});
