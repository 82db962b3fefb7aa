import { fileURLToPath } from 'node:url';
import { startFauxqs as start } from 'fauxqs';
import { freePort } from './free-port';
import { type StartedProcess, startProcess } from './process';

export interface FauxqsServer {
  /** One endpoint for SQS and S3 (path-style). */
  endpoint: string;
  /** The emulator itself, for non-destructive queue inspection in tests. */
  server: Awaited<ReturnType<typeof start>>;
  stop(): Promise<void>;
}

/**
 * An in-process SQS + S3 emulator on a free loopback port. State is in memory only.
 * `spyBufferSize` turns on its message spy, so tests can await deliveries and deletes.
 */
export async function startFauxqs(
  options: { port?: number; spyBufferSize?: number } = {},
): Promise<FauxqsServer> {
  const server = await start({
    port: options.port ?? 0,
    host: 'localhost',
    logger: false,
    ...(options.spyBufferSize ? { messageSpies: { bufferSize: options.spyBufferSize } } : {}),
  });
  return { endpoint: server.address, server, stop: () => server.stop() };
}

/**
 * fauxqs in its own process (its CLI), so a test can kill it and start it again on
 * the same port: its queues start empty then, as after a real emulator restart.
 */
export async function startFauxqsProcess(
  options: { port?: number } = {},
): Promise<{ endpoint: string; port: number; process: StartedProcess; stop(): Promise<void> }> {
  // The CLI is not an export of the package; it sits beside its entry module.
  const cli = fileURLToPath(new URL('./cli.js', import.meta.resolve('fauxqs')));
  const port = options.port ?? (await freePort());
  const server = await startProcess(process.execPath, [cli], {
    ready: /listening/i,
    env: { ...process.env, FAUXQS_PORT: String(port) },
  });
  return { endpoint: `http://127.0.0.1:${port}`, port, process: server, stop: () => server.stop('SIGTERM') };
}
