/**
 * `npm start`: all of Paperlane in one process. With nothing configured it runs
 * embedded (dynalite + the fauxqs SQS emulator in-process, files under DATA_DIR);
 * REDIS_URL switches jobs to BullMQ, AWS_ENDPOINT_URL to LocalStack or AWS.
 */
import { startLocal } from '../local/start-local';
import { runUntilSignal } from './run-until-signal';

await runUntilSignal(async () => {
  const local = await startLocal();
  const token = await local.token('demo', { role: 'admin', userId: 'dev' });
  const { config } = local;
  const mode = [
    config.embed.dynamodb ? 'dynalite (embedded)' : `DynamoDB at ${config.endpoints.dynamodb ?? 'AWS'}`,
    config.transport === 'bullmq'
      ? 'BullMQ on Redis'
      : config.embed.sqs
        ? 'SQS emulator (embedded)'
        : `SQS at ${config.endpoints.sqs ?? 'AWS'}`,
    config.embed.files ? `files in ${config.env.DATA_DIR}/files` : `S3 bucket ${config.env.BUCKET_NAME}`,
  ].join(' · ');
  process.stdout.write(
    [
      '',
      `Paperlane is running at ${local.url}`,
      `  API docs   ${local.url}/docs`,
      `  stack      ${mode}`,
      '',
      'Dev token (tenant "demo", role admin, 30 days):',
      `  ${token}`,
      '',
      'Try it:',
      `  curl -H "Authorization: Bearer $TOKEN" -F files=@invoice.pdf ${local.url}/api/upload`,
      '',
    ].join('\n'),
  );
  return local;
});
