import { encodeEnvelope, type JobRecord } from '@paperlane/core';
import { createDocumentClient, createStore } from '@paperlane/store';
import { lambdaContextFactory, sqsEventFactory } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsEnvironment, startSqsEnvironment } from '../../../test/support/sqs-environment';
import { startTcpProxy } from '../../../test/support/tcp-proxy';
import { toMessage } from '../../dispatcher/index';
import { createSqsHandler } from './handler';

let env: SqsEnvironment;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let documentClient: ReturnType<typeof createDocumentClient>;
let handler: ReturnType<typeof createSqsHandler>;
const ran: string[] = [];

beforeAll(async () => {
  env = await startSqsEnvironment();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(env.dynamoEndpoint).port) });
  // The consumer reaches the table only through the proxy, so the test can take the store away.
  documentClient = createDocumentClient({ endpoint: proxy.endpoint });
  const store = createStore({ documentClient, tableName: env.tableName });
  handler = createSqsHandler({
    queue: 'automation',
    sqs: env.sqs,
    urls: env.urls.automation,
    deps: {
      ...env.deps,
      store: store.jobs,
      handlers: {
        automation: async (ctx) => {
          ran.push(ctx.job.jobId);
          if (ctx.payload.tenantUserId === 'outage-after-work') {
            // The work is done; the store goes away before the outcome is written, and comes back.
            proxy.down();
            void proxy.refused(12).then(() => proxy.up());
          }
          return { ok: true };
        },
      },
    },
    leaseMs: 60_000,
  });
});
afterAll(async () => {
  await proxy?.stop();
  documentClient?.destroy();
  await env?.stop();
});

async function deliver(
  tenantUserId: string,
): Promise<{ job: JobRecord; event: ReturnType<typeof sqsEventFactory> }> {
  const { job } = await env.recordOnly.enqueue('automation', { tenantId: 'tenant-o', tenantUserId });
  await env.send(env.urls.automation.high, encodeEnvelope(toMessage(job, new Date()).envelope));
  const records = await env.receiveRecords(env.urls.automation.high);
  return { job, event: sqsEventFactory(records) };
}

describe('Lambda SQS handler through a store outage', () => {
  it('hands a message back uncounted while the store is down, then runs it once as attempt 1', async () => {
    const { job, event } = await deliver('outage-at-claim');
    proxy.down();
    const during = await handler(event, lambdaContextFactory());
    proxy.up();
    expect(during.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([event.Records[0]?.messageId]);
    expect(await env.store.get(job)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(ran).not.toContain(job.jobId);

    const again = await handler(event, lambdaContextFactory());
    expect(again.batchItemFailures).toEqual([]);
    expect(await env.store.get(job)).toMatchObject({ status: 'complete', attempts: 1 });
    expect(ran.filter((id) => id === job.jobId)).toHaveLength(1);
  });

  it('writes the outcome of finished work once the store is back, without spending another attempt', async () => {
    const { job, event } = await deliver('outage-after-work');
    const result = await handler(event, lambdaContextFactory());
    expect(result.batchItemFailures).toEqual([]);
    expect(await env.store.get(job)).toMatchObject({ status: 'complete', attempts: 1 });
    expect(ran.filter((id) => id === job.jobId)).toHaveLength(1);
  });
});
