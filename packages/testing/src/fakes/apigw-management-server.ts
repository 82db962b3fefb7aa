import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server';

/**
 * A local API Gateway Management API (the WebSocket `@connections` REST API):
 * `POST /@connections/{id}` delivers a message to a live connection (200) or answers
 * 410 `GoneException`; `DELETE` closes one (204); `GET` describes it. The real
 * `@aws-sdk/client-apigatewaymanagementapi` client runs against it unchanged.
 *
 * @example
 * const fake = await startApiGatewayManagementFake();
 * fake.open('conn-1=');
 * const client = new ApiGatewayManagementApiClient({ endpoint: fake.endpoint, region: 'us-east-1', credentials });
 */
export interface ApiGatewayManagementFake {
  endpoint: string;
  /** Makes a connection live (posts to it succeed). */
  open(connectionId: string): void;
  /** Makes a connection gone (posts answer 410). */
  drop(connectionId: string): void;
  /** Messages posted to a connection so far, parsed as JSON when they are. */
  received(connectionId: string): unknown[];
  /** Resolves with the next message posted to a connection (or one already waiting unread). */
  next(connectionId: string): Promise<unknown>;
  /** Every request as `METHOD /path`, in order. */
  requests: string[];
  stop(): Promise<void>;
}

export async function startApiGatewayManagementFake(): Promise<ApiGatewayManagementFake> {
  const live = new Set<string>();
  const inbox = new Map<string, unknown[]>();
  const unread = new Map<string, unknown[]>();
  const waiting = new Map<string, Array<(message: unknown) => void>>();
  const requests: string[] = [];

  const deliver = (id: string, message: unknown) => {
    inbox.set(id, [...(inbox.get(id) ?? []), message]);
    const waiter = waiting.get(id)?.shift();
    if (waiter) waiter(message);
    else unread.set(id, [...(unread.get(id) ?? []), message]);
  };

  const gone = (res: ServerResponse, id: string) => {
    res.writeHead(410, { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' });
    res.end(JSON.stringify({ message: `connection ${id} is gone` }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}`);
    const match = /^\/@connections\/([^/]+)$/.exec(url.pathname);
    if (!match?.[1]) {
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotFoundException' });
      res.end(JSON.stringify({ message: 'no such route' }));
      return;
    }
    const id = decodeURIComponent(match[1]);
    if (!live.has(id)) return gone(res, id);
    if (req.method === 'POST') {
      const text = Buffer.concat(chunks).toString('utf8');
      let message: unknown = text;
      try {
        message = JSON.parse(text);
      } catch {
        // Not JSON: kept as text.
      }
      deliver(id, message);
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'DELETE') {
      live.delete(id);
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ connectedAt: new Date().toISOString(), identity: { sourceIp: '127.0.0.1' } }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  const { url, close } = await listenOnLoopback(server);

  return {
    endpoint: url,
    open: (id) => void live.add(id),
    drop: (id) => void live.delete(id),
    received: (id) => [...(inbox.get(id) ?? [])],
    next: (id) =>
      new Promise((resolve) => {
        const queued = unread.get(id)?.shift();
        if (queued !== undefined) return resolve(queued);
        waiting.set(id, [...(waiting.get(id) ?? []), resolve]);
      }),
    requests,
    stop: close,
  };
}
