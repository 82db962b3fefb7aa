/**
 * `npm start`: all of Paperlane on one machine, each role in its own process under a
 * supervisor (emulators, API, document consumers, integration consumers; see
 * supervisor/supervisor.ts). With nothing configured it runs embedded (dynalite +
 * fauxqs in the emulators child, files under DATA_DIR); REDIS_URL switches jobs to
 * BullMQ, AWS_ENDPOINT_URL to LocalStack or AWS. `--single-process` runs everything
 * in this process instead (local/start-local.ts), as before the supervisor.
 */
import type { Config } from '../config/config';
import { runUntilSignal } from './run-until-signal';

const singleProcess = process.argv.includes('--single-process');

function describeStack(config: Config): string {
  return [
    config.embed.dynamodb ? 'dynalite (embedded)' : `DynamoDB at ${config.endpoints.dynamodb ?? 'AWS'}`,
    config.transport === 'bullmq'
      ? 'BullMQ on Redis'
      : config.embed.sqs
        ? 'SQS emulator (embedded)'
        : `SQS at ${config.endpoints.sqs ?? 'AWS'}`,
    config.embed.files ? `files in ${config.env.DATA_DIR}/files` : `S3 bucket ${config.env.BUCKET_NAME}`,
  ].join(' · ');
}

await runUntilSignal(async () => {
  // Imported for the mode chosen: the supervisor alone loads little, and its children load their own roles.
  const running = singleProcess
    ? await (await import('../local/start-local')).startLocal()
    : await (await import('../supervisor/supervisor')).startSupervisor();
  const url = running.url ?? '';
  const token = await running.token('demo', { role: 'admin', userId: 'dev' });
  const operatorToken = await running.token('ops', { role: 'operator', userId: 'dev' });
  const processes =
    'processes' in running
      ? running
          .processes()
          .map((p) => `${p.role} (pid ${p.pid})`)
          .join(', ')
      : `one (pid ${process.pid})`;
  process.stdout.write(
    [
      '',
      `Paperlane is running at ${url}`,
      `  API docs   ${url}/docs`,
      `  stack      ${describeStack(running.config)}`,
      `  processes  ${processes}  (state: ${url}/healthz/processes)`,
      '',
      'Dev token (tenant "demo", role admin, 30 days):',
      `  ${token}`,
      'Operator token (the deployment: queues, dead letters, /admin/board; 30 days):',
      `  ${operatorToken}`,
      '',
      'Try it:',
      `  curl -H "Authorization: Bearer $TOKEN" -F files=@invoice.pdf ${url}/api/upload`,
      '',
    ].join('\n'),
  );
  return running;
});
