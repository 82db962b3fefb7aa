import type { ChangeFeed, EventBus, Logger, QueueName } from '@paperlane/core';
import type { Config } from '../config/config';
import type { Container, Stoppable } from '../container';
import { createLocalContainer } from '../local/local-container';
import { startSchedules } from '../local/schedules';

export interface ConsumersRole {
  container: Container;
  /** Re-sends every pending job now (after the SQS emulator restarted empty); only with schedules. */
  recover(): Promise<void>;
  /** Stops receiving, lets current jobs finish, then closes the clients. */
  close(): Promise<void>;
}

/**
 * A consumer role (`documents`, `integrations`, or a `worker:*` process): pollers or
 * BullMQ workers for its queues and, when `schedules` is set, the sweeper and the
 * automation tick. Serves nothing.
 */
export async function startConsumersRole(options: {
  config: Config;
  queues: readonly QueueName[];
  schedules: boolean;
  events?: EventBus;
  changes?: ChangeFeed;
  logger?: Logger;
  /** The process's role (`documents`, `integrations`): its default OpenTelemetry service name. */
  role?: string;
}): Promise<ConsumersRole> {
  const { config } = options;
  const container = await createLocalContainer(config, options);
  const running: Stoppable[] = [];
  try {
    running.push(await container.startWorkers(options.queues));
    // Recovery is the supervisor's call (it knows when the emulator restarted), not a start-up default.
    if (options.schedules) running.push(await startSchedules(container, { recoverNow: false }));
  } catch (error) {
    for (const r of running.reverse()) await r.stop();
    await container.close();
    throw error;
  }
  return {
    container,
    recover: () => (options.schedules ? container.recover() : Promise.resolve()),
    async close() {
      await Promise.all(running.map((r) => r.stop()));
      await container.close();
    },
  };
}
