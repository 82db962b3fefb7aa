import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Respond = (req: ReceivedRequest, res: ServerResponse) => void;

/**
 * Test support (not exported from the package): a real HTTP server on loopback that
 * records what it receives and answers as each test scripts it (per path).
 */
export async function startTestReceiver() {
  const received: ReceivedRequest[] = [];
  const routes = new Map<string, Respond>();
  const waiters: Array<(req: ReceivedRequest) => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const record: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(record);
      for (const wake of waiters.splice(0)) wake(record);
      const respond =
        routes.get(record.path.split('?')[0] ?? '') ?? ((_r, out) => out.writeHead(200).end('ok'));
      respond(record, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    received,
    /** How a path answers. */
    on(path: string, respond: Respond) {
      routes.set(path, respond);
    },
    /** Resolves with the next request to arrive. */
    nextRequest(): Promise<ReceivedRequest> {
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TestReceiver = Awaited<ReturnType<typeof startTestReceiver>>;
