import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsStub {
  endpoint: string;
  /** Calls answered, by `X-Amz-Target` (or `METHOD /path` for REST services). */
  calls: Map<string, number>;
  stop(): Promise<void>;
}

type Body = Record<string, unknown>;

/** Minimal valid answers for the JSON-protocol calls a handler makes on its first invocation. */
function answer(target: string, body: Body): Body {
  switch (target) {
    case 'AmazonSQS.SendMessage': {
      const md5 = createHash('md5')
        .update(String(body.MessageBody ?? ''))
        .digest('hex');
      return { MessageId: randomUUID(), MD5OfMessageBody: md5 };
    }
    case 'AmazonSQS.SendMessageBatch': {
      const entries = (body.Entries as { Id: string; MessageBody: string }[] | undefined) ?? [];
      return {
        Successful: entries.map((e) => ({
          Id: e.Id,
          MessageId: randomUUID(),
          MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex'),
        })),
        Failed: [],
      };
    }
    case 'AmazonSQS.GetQueueUrl':
      return { QueueUrl: `http://stub/000000000000/${String(body.QueueName)}` };
    case 'DynamoDB_20120810.Query':
    case 'DynamoDB_20120810.Scan':
      return { Items: [], Count: 0, ScannedCount: 0 };
    case 'DynamoDB_20120810.BatchGetItem':
      return { Responses: {}, UnprocessedKeys: {} };
    default:
      return {};
  }
}

async function read(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A loopback stand-in for AWS's JSON APIs (SQS, DynamoDB) and REST ones (S3,
 * API Gateway's management API), answering every call at once with the least a
 * client accepts. Cold-start runs point `AWS_ENDPOINT_URL` here, so a handler's
 * first call pays the SDK's real client cost without network latency.
 */
export async function startAwsStub(): Promise<AwsStub> {
  const calls = new Map<string, number>();
  const server = createServer(async (request, response) => {
    const raw = await read(request);
    const target = request.headers['x-amz-target'];
    const key = typeof target === 'string' ? target : `${request.method} ${request.url?.split('?')[0]}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    if (typeof target === 'string') {
      let body: Body = {};
      try {
        body = raw ? (JSON.parse(raw) as Body) : {};
      } catch {}
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(answer(target, body)));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/xml' });
    response.end();
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
