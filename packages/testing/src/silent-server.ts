import { createServer, type Socket } from 'node:net';

export interface SilentServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** HTTP requests received so far (their request lines). */
  requests(): number;
  close(): Promise<void>;
}

/**
 * A TCP server on loopback that accepts connections and reads requests but never
 * writes a byte: a peer gone silent without a reset, for tests of client timeouts.
 *
 * @example
 * const silent = await startSilentServer();
 * await expect(clientAt(silent.endpoint).send(command)).rejects.toMatchObject({ name: 'TimeoutError' });
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      requests += chunk.toString('latin1').split(' HTTP/1.1\r\n').length - 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests: () => requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
