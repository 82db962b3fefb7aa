import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ApiGatewayManagementFake } from '@paperlane/testing/fakes/apigw-management-server';
import { WebSocketServer } from 'ws';

/** The WebSocket Lambda as API Gateway invokes it (`$connect`, `$disconnect`, `$default`). */
export type WebSocketLambda = (event: unknown) => Promise<{ statusCode: number }>;

/**
 * API Gateway's WebSocket API on loopback, so a real `ws` client can talk to the
 * WebSocket Lambda: each connection gets an id, `$connect` runs with the query
 * (401 refuses the upgrade, as API Gateway does), every text frame is a `$default`
 * proxy event, and closing runs `$disconnect`. What functions send back —
 * replies and pushed job events, via PostToConnection — lands on the Management API
 * fake, and is forwarded to the socket of that connection id.
 *
 * @example
 * const gateway = await startApiGatewayWebSocket(handler, management);
 * const client = await openRealtimeClient(`${gateway.url}?token=${token}`);
 */
export async function startApiGatewayWebSocket(
  lambda: WebSocketLambda,
  management: ApiGatewayManagementFake,
) {
  const domainName = 'ws.execute-api.us-east-1.amazonaws.com';
  const requestContext = (routeKey: string, connectionId: string) => ({
    routeKey,
    eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
    connectionId,
    domainName,
    stage: 'prod',
    apiId: 'ws',
    requestId: randomBytes(8).toString('hex'),
    connectedAt: Date.now(),
    requestTimeEpoch: Date.now(),
  });
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_req, res) => res.writeHead(426).end());

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    // API Gateway's ids are 12 base64 characters ending in `=`.
    const connectionId = `${randomBytes(8).toString('base64').slice(0, 11)}=`;
    const query = Object.fromEntries(url.searchParams);
    management.open(connectionId);
    const connected = await lambda({
      requestContext: requestContext('$connect', connectionId),
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    });
    if (connected.statusCode !== 200) {
      management.drop(connectionId);
      socket.end(
        `HTTP/1.1 ${connected.statusCode} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      let open = true;
      void (async () => {
        while (open) {
          const message = await management.next(connectionId);
          if (open) ws.send(typeof message === 'string' ? message : JSON.stringify(message));
        }
      })();
      ws.on('message', (data, isBinary) => {
        const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
        void lambda({
          requestContext: requestContext('$default', connectionId),
          body: isBinary ? bytes.toString('base64') : bytes.toString('utf8'),
          isBase64Encoded: isBinary,
        });
      });
      ws.on('close', () => {
        open = false;
        management.drop(connectionId);
        void lambda({ requestContext: requestContext('$disconnect', connectionId) });
      });
    });
  };
  server.on('upgrade', (request, socket, head) => void onUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}`,
    async stop() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
