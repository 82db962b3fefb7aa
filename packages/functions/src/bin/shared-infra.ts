import type { Config } from '../config/config';

/**
 * Processes that run beside others (`worker:*`, `npm run api`) need a shared store and
 * queue; private in-process stand-ins would leave each with its own. Exits with a hint.
 */
export function requireSharedInfrastructure(config: Config, command: string, override?: string): void {
  if (!config.embed.dynamodb && !config.embed.sqs) return;
  process.stderr.write(
    [
      `paperlane ${command}: separate processes need a shared store and queue, but this`,
      'configuration would start private in-process ones. Set AWS_ENDPOINT_URL (LocalStack or',
      'AWS), or AWS_ENDPOINT_URL_DYNAMODB plus REDIS_URL or AWS_ENDPOINT_URL_SQS. To run',
      `everything on one machine instead, use \`npm start\`${override ? `; ${override}` : ''}.`,
      '',
    ].join('\n'),
  );
  process.exit(2);
}
