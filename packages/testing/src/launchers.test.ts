import { Socket } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { startDynalite } from './dynalite';
import { startFauxqs } from './fauxqs';
import { startRedis } from './redis';

function redisPing(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
  });
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('service launchers', () => {
  it('starts and stops a private redis-server', async () => {
    const redis = await startRedis();
    expect(await redisPing(redis.port)).toBe('+PONG');
    await redis.stop();
    await expect(redisPing(redis.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('starts dynalite speaking the DynamoDB API', async () => {
    const dynamo = await startDynalite();
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    client.destroy();
    await dynamo.stop();
  });

  it('starts fauxqs speaking the SQS API', async () => {
    const faux = await startFauxqs();
    const client = new SQSClient({ endpoint: faux.endpoint, region: 'us-east-1', credentials });
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'probe' }));
    expect(QueueUrl).toContain('/probe');
    expect(faux.server.inspectQueue('probe')?.messages.ready).toEqual([]);
    client.destroy();
    await faux.stop();
  });
});
