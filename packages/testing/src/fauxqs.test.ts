import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FauxqsServer, nextReceiveEvent, startFauxqs } from './fauxqs';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('the embedded SQS emulator', () => {
  let faux: FauxqsServer;
  let sqs: SQSClient;

  beforeAll(async () => {
    faux = await startFauxqs({ spyBufferSize: 100 });
    sqs = new SQSClient({ endpoint: faux.endpoint, region: 'us-east-1', credentials });
  });
  afterAll(async () => {
    sqs.destroy();
    await faux.stop();
  });

  const createQueue = async (name: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '60' } })))
      .QueueUrl ?? '';

  it('listens on loopback only', () => {
    expect(new URL(faux.endpoint).hostname).toBe('127.0.0.1');
  });

  it('hands a message taken by the long poll of a killed consumer back at once, not after its visibility', async () => {
    const url = await createQueue('abandoned-poll');
    // A consumer process waiting on a 20 s long poll, killed while it waits.
    const consumer = spawn(process.execPath, [
      '-e',
      `fetch(${JSON.stringify(faux.endpoint)}, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
        body: JSON.stringify({ QueueUrl: ${JSON.stringify(url)}, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }),
      }); setInterval(() => {}, 1000);`,
    ]);
    await nextReceiveEvent(faux, 'receiving', (e) => e.queueUrl === url);
    const abandoned = nextReceiveEvent(faux, 'abandoned', (e) => e.queueUrl === url);
    consumer.kill('SIGKILL');
    await once(consumer, 'exit');
    expect(await abandoned).toEqual({ queueUrl: url });

    // The dead poll still takes the next message (as SQS's would)...
    const released = nextReceiveEvent(faux, 'released', (e) => e.queueUrl === url);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'after the crash' }));
    expect(await released).toEqual({ queueUrl: url, count: 1 });
    // ...and the emulator gives it back: a live consumer receives it now, on its second receive.
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
    );
    expect(Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      ['after the crash', '2'],
    ]);
  });

  it('leaves alone what a live consumer received: it stays hidden for its visibility, as on AWS', async () => {
    const url = await createQueue('live-receive');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'taken' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
    expect(first.Messages?.map((m) => m.Body)).toEqual(['taken']);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
    expect(again.Messages ?? []).toEqual([]);
    expect(faux.server.inspectQueue('live-receive')?.messages.inflight).toHaveLength(1);
  });

  it('answers a malformed receive with an error (fauxqs says 500) and keeps serving', async () => {
    const garbage = await fetch(faux.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
      body: '{"QueueUrl": ',
    });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    const url = await createQueue('after-garbage');
    expect(url).toContain('after-garbage');
  });
});
