import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { startProcess, which } from './process';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway `redis-server` on a free loopback port: no persistence, its
 * own temp dir. Needs Debian's `redis-server` (or `REDIS_SERVER_BIN`).
 */
export async function startRedis(): Promise<RedisServer> {
  const bin = process.env.REDIS_SERVER_BIN ?? which('redis-server');
  if (!bin)
    throw new Error(
      'redis-server not found: install it (apt-get install redis-server) or set REDIS_SERVER_BIN',
    );
  const dir = await mkdtemp(join(tmpdir(), 'paperlane-redis-'));
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    try {
      const server = await startProcess(
        bin,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        { ready: /Ready to accept connections/ },
      );
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        async stop() {
          await server.stop('SIGTERM');
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another process may have taken the port between probe and bind.
      if (tries >= 3) throw error;
    }
  }
}
