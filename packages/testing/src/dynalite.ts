import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface DynaliteServer {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * An in-process DynamoDB emulator (real DynamoDB wire protocol, LevelDB storage).
 * In memory unless `path` names a folder to persist in.
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<DynaliteServer> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
