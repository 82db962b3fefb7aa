import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { awsClientConfig } from '@paperlane/adapters';
import { type SqsQueueNames, silentLogger } from '@paperlane/core';
import { type FauxqsServer, nextReceiveEvent, startFauxqs } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsPoller } from './poller';

let faux: FauxqsServer;
let sqs: SQSClient;

beforeAll(async () => {
  faux = await startFauxqs();
  sqs = new SQSClient(awsClientConfig({ endpoint: faux.endpoint }));
});
afterAll(async () => {
  sqs?.destroy();
  await faux?.stop();
});

async function lanes(name: string): Promise<SqsQueueNames> {
  const create = async (suffix: string) =>
    (
      await sqs.send(
        new CreateQueueCommand({ QueueName: `${name}-${suffix}`, Attributes: { VisibilityTimeout: '60' } }),
      )
    ).QueueUrl ?? '';
  return { high: await create('high'), low: await create('low'), dlq: await create('dlq') };
}

/**
 * A poller on its own client, started and waiting in its long poll on the high lane.
 * Its handler records what it is given: the tests stop it while it waits, so nothing.
 */
async function waitingPoller(urls: SqsQueueNames, abandonPollsOnStop: boolean) {
  const client = new SQSClient(awsClientConfig({ endpoint: faux.endpoint }));
  const handled: string[] = [];
  const poller = createSqsPoller({
    sqs: client,
    urls,
    handler: async (event) => {
      handled.push(...event.Records.map((r) => r.body));
      return { batchItemFailures: [] };
    },
    batchSize: 1,
    concurrency: 1,
    visibilityTimeoutSeconds: 60,
    timeoutSeconds: 30,
    waitTimeSeconds: 20,
    logger: silentLogger,
    abandonPollsOnStop,
  });
  const polling = nextReceiveEvent(
    faux,
    'receiving',
    (e) => e.queueUrl === urls.high && (e.waitSeconds ?? 0) > 0,
  );
  poller.start();
  await polling;
  return { poller, handled, close: () => client.destroy() };
}

/** What a fresh consumer gets from the high lane right now, with each message's receive count. */
async function receiveNow(url: string) {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
  );
  return (Messages ?? []).map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]);
}

describe('the local SQS poller, stopping', () => {
  it('by default waits its long poll out and hands back what it brought', async () => {
    const urls = await lanes('stop-waits');
    const { poller, handled, close } = await waitingPoller(urls, false);
    const stopped = poller.stop();
    // Still waiting on its poll, which this message ends; stopping, it runs nothing.
    await sqs.send(new SendMessageCommand({ QueueUrl: urls.high, MessageBody: 'during stop' }));
    await stopped;
    close();
    expect(handled).toEqual([]);
    expect(await receiveNow(urls.high)).toEqual([['during stop', '2']]);
  });

  it('with abandonPollsOnStop, leaves its poll at once; the emulator gives back what that poll then takes', async () => {
    const urls = await lanes('stop-abandons');
    const { poller, handled, close } = await waitingPoller(urls, true);
    const abandoned = nextReceiveEvent(faux, 'abandoned', (e) => e.queueUrl === urls.high);
    await poller.stop();
    await abandoned;
    close();
    const released = nextReceiveEvent(faux, 'released', (e) => e.queueUrl === urls.high);
    await sqs.send(new SendMessageCommand({ QueueUrl: urls.high, MessageBody: 'after stop' }));
    expect(await released).toEqual({ queueUrl: urls.high, count: 1 });
    expect(handled).toEqual([]);
    expect(await receiveNow(urls.high)).toEqual([['after stop', '2']]);
  });
});
