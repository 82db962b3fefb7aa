import type { JobEvent, Logger } from '@paperlane/core';
import { silentLogger } from '@paperlane/core';
import {
  type ApiGatewayManagementFake,
  startApiGatewayManagementFake,
} from '@paperlane/testing/fakes/apigw-management-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectionDirectory,
  createApiGatewayPush,
  createManagementClient,
  postToConnection,
} from './apigw-push';

let fake: ApiGatewayManagementFake;
beforeAll(async () => {
  fake = await startApiGatewayManagementFake();
});
afterAll(async () => {
  await fake?.stop();
});

const event: JobEvent = {
  type: 'job:progress',
  jobId: 'job-1',
  tenantId: 'tenant-a',
  queue: 'thumbnail',
  status: 'processing',
  progress: 40,
  attempt: 1,
  at: '2030-01-01T00:00:00.000Z',
};

function directory(ids: string[]) {
  const removed: string[] = [];
  const connections: ConnectionDirectory = {
    subscribersOf: async () => ids,
    remove: async (id) => void removed.push(id),
  };
  return { connections, removed };
}

describe('API Gateway push', () => {
  it('posts with the real SDK client and reports gone connections', async () => {
    const client = createManagementClient(fake.endpoint, 'us-east-1');
    fake.open('live/1+x=');
    expect(await postToConnection(client, 'live/1+x=', { hello: 1 })).toBe('sent');
    expect(await fake.next('live/1+x=')).toEqual({ hello: 1 });
    expect(await postToConnection(client, 'never-was=', { hello: 1 })).toBe('gone');
  });

  it('fans an event out to every subscriber and prunes the gone ones', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}=`);
    for (const id of ids.slice(0, 30)) fake.open(id);
    const { connections, removed } = directory(ids);
    const push = createApiGatewayPush({
      client: createManagementClient(fake.endpoint, 'us-east-1'),
      connections,
      present: (e) => ({ type: e.type, job_id: 'jobId' in e ? e.jobId : undefined }),
      concurrency: 4,
    });
    expect(await push.push(event)).toEqual({ sent: 30, pruned: 10 });
    expect(removed.sort()).toEqual(ids.slice(30).sort());
    expect(fake.received('c0=')).toEqual([{ type: 'job:progress', job_id: 'job-1' }]);
  });

  it('never fails the publisher, and serves in-process listeners', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message) => void warnings.push(message) };
    const push = createApiGatewayPush({
      client: createManagementClient(fake.endpoint, 'us-east-1'),
      connections: {
        subscribersOf: async () => {
          throw new Error('table unavailable');
        },
        remove: async () => {},
      },
      present: (e) => e,
      logger,
    });
    const seen: string[] = [];
    const off = push.subscribe((e) => seen.push('jobId' in e ? e.jobId : e.sessionId));
    await expect(push.publish(event)).resolves.toBeUndefined();
    off();
    await push.publish(event);
    expect(seen).toEqual(['job-1']);
    expect(warnings).toEqual(['realtime push failed', 'realtime push failed']);
  });
});
