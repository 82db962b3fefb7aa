/**
 * `npm run api`: the API role alone (HTTP + realtime; consumes nothing), so API and
 * `worker:*` processes scale separately. Like the workers it refuses private in-process
 * stand-ins (a store no worker shares) unless `--allow-embedded` says that is intended
 * (trying the API on its own: jobs are recorded and queued, nothing runs them).
 */
import { loadConfig } from '../config/config';
import { startApiRole } from '../roles/api';
import { runUntilSignal } from './run-until-signal';
import { requireSharedInfrastructure } from './shared-infra';

const allowEmbedded = process.argv.includes('--allow-embedded');
const config = loadConfig();
if (!allowEmbedded) requireSharedInfrastructure(config, 'api', 'or pass --allow-embedded');

await runUntilSignal(async () => {
  // Embedded (only with --allow-embedded): the container starts private stand-ins and closes them with it.
  const api = await startApiRole({ config });
  process.stdout.write(`paperlane api: serving ${api.url} (consumes nothing)\n`);
  return api;
});
