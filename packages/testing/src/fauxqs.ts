import { startFauxqs as start } from 'fauxqs';

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
