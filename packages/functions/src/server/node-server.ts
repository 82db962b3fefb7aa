import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface HttpServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serves a fetch handler (the Hono app) on Node's HTTP server; resolves once it listens. */
export function startHttpServer(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { port: number; hostname: string },
): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: options.port, hostname: options.hostname }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        server: server as Server,
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    }) as Server;
    server.once('error', reject);
  });
}
