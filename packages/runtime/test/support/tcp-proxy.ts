import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP forwarder on a loopback port that can be taken down and brought back on the
 * same port: while down, every open connection is cut and every new one is reset at
 * once (counted, so a test can wait until clients have hit the outage); back up, it
 * forwards to the same target again.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let up = true;
  let cut = 0;
  const waiters: Array<() => void> = [];
  const server = createServer((client) => {
    client.on('error', () => client.destroy());
    if (!up) {
      cut++;
      for (const wake of waiters.splice(0)) wake();
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(target);
    upstream.on('error', () => upstream.destroy());
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Cuts the open connections and resets new ones until `up()`. */
    down(): void {
      up = false;
      cutAll();
    },
    up(): void {
      up = true;
    },
    /** Resolves once `count` connections were reset while down. */
    async refused(count: number): Promise<void> {
      while (cut < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    async stop(): Promise<void> {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
