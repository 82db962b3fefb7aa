/**
 * Trace export on Lambda: a frozen execution environment never runs a timer, so the API
 * and consumer functions send their spans before they return. The schedule is set to an
 * hour here: a span the collector holds when the handler has returned was flushed by it.
 */
import { mintToken } from '@paperlane/api';
import { lambdaContextFactory, type OtlpCollector, startOtlpCollector } from '@paperlane/testing';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SAMPLE_FILES, uploadForm } from './support/api-harness';
import { lambdaFetch, startLambdaEnvironment } from './support/lambda-environment';
import { type ConsumerLambda, startSqsEventSource } from './support/sqs-event-source';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
let environment: Awaited<ReturnType<typeof startLambdaEnvironment>>;
let collector: OtlpCollector;

beforeAll(async () => {
  collector = await startOtlpCollector();
  environment = await startLambdaEnvironment({ name: 'lambda-traces', functionName: 'paperlane-test-api' });
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '3600000',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,service.version=1.2.0',
  });
});
afterAll(async () => {
  await environment?.stop();
  await collector?.close();
});

it('the API and consumer functions flush their spans before they return, in the caller’s trace', async () => {
  const { handler } = await import('../src/lambda/api');
  const call = lambdaFetch(
    (event) =>
      handler(event as never, lambdaContextFactory() as never) as Promise<APIGatewayProxyStructuredResultV2>,
  );
  const token = await mintToken(environment.secret, { tenantId: 'acme', userId: 'u1', role: 'user' });
  const upload = await call('/api/upload', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` },
    body: uploadForm([{ name: 'a.png', blob: SAMPLE_FILES.png() }]),
  });
  expect(upload.status).toBe(202);
  expect(collector.spans).toEqual([
    expect.objectContaining({
      serviceName: 'paperlane-api',
      traceId: TRACE_ID,
      parentSpanId: 'b7ad6b7169203331',
      name: 'POST /api/upload',
    }),
  ]);

  const { jobs } = (await upload.json()) as { jobs: Array<{ job_id: string; queue: string }> };
  const job = jobs.find((j) => j.queue === 'thumbnail');
  expect(job).toBeDefined();
  // As the event source mapping invokes it; only the consumer's own flush can send the span within the hour.
  const consumer = (await import('../src/lambda/queues/thumbnail')).handler as ConsumerLambda;
  const source = startSqsEventSource(
    environment.sqs,
    { thumbnail: environment.urls.thumbnail },
    { thumbnail: consumer },
  );
  await collector.waitFor((spans) => spans.length === 2);
  await source.stop();
  // Both functions describe their resource as the deployment configured it.
  expect(collector.resources.map((r) => [r['deployment.environment'], r['service.version']])).toEqual([
    ['staging', '1.2.0'],
    ['staging', '1.2.0'],
  ]);
  expect(collector.spans.slice(1)).toEqual([
    expect.objectContaining({
      serviceName: 'paperlane-thumbnail',
      traceId: TRACE_ID,
      name: 'thumbnail process',
      kind: 5,
      attributes: expect.objectContaining({
        'paperlane.job_id': job?.job_id,
      }),
    }),
  ]);
});
