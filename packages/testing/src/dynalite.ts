import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import dynalite from 'dynalite';
import { makeDynaliteWritesAtomic } from './dynalite-atomic-writes';
import { freePort } from './free-port';
import { type StartedProcess, startProcess } from './process';

export interface DynaliteServer {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * An in-process DynamoDB emulator (real DynamoDB wire protocol, LevelDB storage).
 * In memory unless `path` names a folder to persist in; an item and its index entries
 * are written together (see `makeDynaliteWritesAtomic`), so a crash loses neither alone.
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<DynaliteServer> {
  makeDynaliteWritesAtomic();
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

/**
 * dynalite in its own process, as a database server would be: it gets its own
 * core instead of sharing the caller's event loop (benchmarks use this), and a
 * test can stop, freeze or kill it (`process`). Pass `port` and `path` to restart
 * a killed one where its clients expect it, with its data (crash-atomic writes, as
 * in {@link startDynalite}).
 */
export async function startDynaliteProcess(
  options: { path?: string; port?: number } = {},
): Promise<DynaliteServer & { port: number; process: StartedProcess }> {
  const port = options.port ?? (await freePort());
  const server = await startProcess(
    process.execPath,
    [
      '--import',
      pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
      fileURLToPath(import.meta.resolve('@paperlane/testing/dynalite-server')),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--createTableMs',
      '0',
      '--deleteTableMs',
      '0',
      '--updateTableMs',
      '0',
      ...(options.path ? ['--path', options.path] : []),
    ],
    { ready: /Listening/i },
  );
  return { endpoint: `http://127.0.0.1:${port}`, port, process: server, stop: () => server.stop('SIGTERM') };
}
