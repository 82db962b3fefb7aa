import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { startDynalite } from './dynalite';
import { startFauxqs, startFauxqsProcess } from './fauxqs';
import { startRedis } from './redis';

function redisPing(port: number, command = 'PING'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
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

  it('restarts a killed redis-server on its port, with its data when append-only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paperlane-redis-aof-'));
    const first = await startRedis({ dir, appendonly: true });
    expect(await redisPing(first.port, 'SET chaos kept')).toBe('+OK');
    first.process.child.kill('SIGKILL');
    await first.process.exited;
    const again = await startRedis({ dir, port: first.port, appendonly: true });
    expect(await redisPing(again.port, 'GET chaos')).toBe('$4\r\nkept');
    await again.stop();
    const empty = await startRedis({ dir, port: first.port, appendonly: false });
    expect(await redisPing(empty.port, 'GET chaos')).toBe('$-1');
    await empty.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs fauxqs as a process that starts empty again on its port', async () => {
    const first = await startFauxqsProcess();
    const client = new SQSClient({ endpoint: first.endpoint, region: 'us-east-1', credentials });
    await client.send(new CreateQueueCommand({ QueueName: 'probe' }));
    await first.stop();
    const again = await startFauxqsProcess({ port: first.port });
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'probe' }))).rejects.toThrow();
    client.destroy();
    await again.stop();
  });
});
