import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startDynalite } from '@paperlane/testing/dynalite';
import { startFauxqs } from '@paperlane/testing/fauxqs';
import type { Config } from './config/config';

export interface EmbeddedServices {
  endpoints: { dynamodb?: string; sqs?: string };
  stop(): Promise<void>;
}

/**
 * The stand-ins for AWS: dynalite persisting under DATA_DIR/dynamo, and (unless Redis
 * carries the jobs) the fauxqs SQS emulator. `startLocal` runs them in its own process;
 * `npm start` in the emulators child, on ports the supervisor picked (a restart keeps them).
 * Loaded with a dynamic import so Lambda bundles never contain them.
 */
export async function startEmbeddedServices(
  config: Config,
  options: { ports?: { dynamodb?: number; sqs?: number } } = {},
): Promise<EmbeddedServices> {
  const endpoints: EmbeddedServices['endpoints'] = {};
  const stops: Array<() => Promise<void>> = [];
  if (config.embed.dynamodb) {
    const dir = join(config.env.DATA_DIR, 'dynamo');
    await mkdir(dir, { recursive: true });
    const dynamo = await startDynalite({
      path: dir,
      ...(options.ports?.dynamodb ? { port: options.ports.dynamodb } : {}),
    });
    stops.push(() => dynamo.stop());
    endpoints.dynamodb = dynamo.endpoint;
  }
  if (config.embed.sqs) {
    const faux = await startFauxqs(options.ports?.sqs ? { port: options.ports.sqs } : {});
    stops.push(() => faux.stop());
    endpoints.sqs = faux.endpoint;
  }
  return {
    endpoints,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
