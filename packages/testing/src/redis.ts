import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { type StartedProcess, startProcess, which } from './process';

export interface RedisServer {
  url: string;
  port: number;
  /** Its working directory (the append-only file lives here when persistence is on). */
  dir: string;
  process: StartedProcess;
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** A fixed port, e.g. to restart a killed server where its clients expect it. */
  port?: number;
  /** Its working directory; the caller owns (and removes) a directory it passes. */
  dir?: string;
  /** Persist every write to an append-only file in `dir` (default off). */
  appendonly?: boolean;
}

/**
 * Starts a throwaway `redis-server` on loopback: a free port and its own temp dir
 * unless given, no persistence unless `appendonly`. Needs Debian's `redis-server`
 * (or `REDIS_SERVER_BIN`).
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const bin = process.env.REDIS_SERVER_BIN ?? which('redis-server');
  if (!bin)
    throw new Error(
      'redis-server not found: install it (apt-get install redis-server) or set REDIS_SERVER_BIN',
    );
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'paperlane-redis-')));
  const persistence = ['--appendonly', options.appendonly ? 'yes' : 'no'];
  for (let tries = 0; ; tries++) {
    const port = options.port ?? (await freePort());
    try {
      const server = await startProcess(
        bin,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir],
        { ready: /Ready to accept connections/ },
      );
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        dir,
        process: server,
        async stop() {
          await server.stop('SIGTERM');
          if (!options.dir) await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another process may have taken the port between probe and bind.
      if (options.port !== undefined || tries >= 3) throw error;
    }
  }
}
