/**
 * The chaos suite's API process: HTTP only, no consumers, no sweeper, so killing a
 * consumer never takes the API with it (what `npm run api` will be).
 */
import { runUntilSignal } from '../../../src/bin/run-until-signal';
import { startLocal } from '../../../src/local/start-local';

await runUntilSignal(async () => {
  const local = await startLocal({ queues: [], sweeper: false });
  process.stdout.write(`chaos api listening at ${local.url}\n`);
  return local;
});
