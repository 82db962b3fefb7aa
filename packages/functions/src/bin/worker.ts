/**
 * `npm run worker:<queue>` / `npm run worker:all`: consumers only, for scaling
 * out. Workers in separate processes need shared infrastructure, so this refuses
 * to run against private in-process stand-ins.
 */
import { isQueueName, QUEUE_NAMES, type QueueName } from '@paperlane/core';
import { loadConfig } from '../config/config';
import { startLocal } from '../local/start-local';
import { runUntilSignal } from './run-until-signal';
import { requireSharedInfrastructure } from './shared-infra';

const argv = process.argv.slice(2);
const withSweeper = argv.includes('--sweeper');
const args = argv.filter((a) => a !== '--sweeper');
const queues: QueueName[] = args.includes('all') ? [...QUEUE_NAMES] : args.filter(isQueueName);
const unknown = args.filter((a) => a !== 'all' && !isQueueName(a));
if (queues.length === 0 || unknown.length > 0) {
  process.stderr.write(`usage: worker [--sweeper] <all | ${QUEUE_NAMES.join(' | ')}>...\n`);
  process.exit(2);
}
const config = loadConfig();
requireSharedInfrastructure(config, 'worker');

await runUntilSignal(async () => {
  const local = await startLocal({ api: false, queues, sweeper: withSweeper });
  process.stdout.write(`paperlane worker: consuming ${queues.join(', ')} (${config.transport})\n`);
  return local;
});
