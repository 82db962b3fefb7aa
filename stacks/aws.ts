import { QUEUE_NAMES, resolveTopology, sstNames } from '@paperlane/core';
import { queueAlarms } from '../infra/alarms';
import { httpApi } from '../infra/api';
import { filesBucket } from '../infra/bucket';
import { topologyEnvironment } from '../infra/environment';
import { queueConsumers, queueLanes } from '../infra/queues';
import { realtimeApi, realtimeRoutes } from '../infra/realtime';
import { schedules } from '../infra/schedules';
import { secretKey } from '../infra/secret-key';
import { secrets } from '../infra/secrets';
import { jobsTable } from '../infra/table';
import { tessdataLayer } from '../infra/tessdata';
import { deployConfig } from './deploy-config';
import { stageProfile } from './stage-profile';

/**
 * The AWS stack for the current stage (`$app.stage`): everything in `infra/`,
 * sized by the stage profile, driven by the queue topology with the deploy
 * environment's overrides. Returns the stage's outputs.
 */
export async function awsStack(env: Record<string, string | undefined> = process.env) {
  const profile = stageProfile($app.stage);
  const deploy = deployConfig(env, profile.production);
  const topology = resolveTopology(env);

  const table = jobsTable({ production: profile.production });
  const bucket = filesBucket({ origins: deploy.webOrigins, production: profile.production });
  const secret = secrets({ jwtRequired: !deploy.jwt });
  const sealing = secretKey({ production: profile.production });
  const lanes = queueLanes({ topology, messageRetentionDays: profile.messageRetentionDays });
  const realtime = realtimeApi({ logRetention: profile.logRetention });

  const linkables = new Map<string, Sst.Linkable>([
    [sstNames.table, table],
    [sstNames.bucket, bucket],
    [sstNames.realtime, realtime],
    [sstNames.secrets.jwtSecret, secret.jwtSecret],
    [sstNames.secrets.openAiApiKey, secret.openAiApiKey],
    [sstNames.secrets.googleCredentials, secret.googleCredentials],
  ]);
  for (const queue of QUEUE_NAMES) {
    const queueLanesOf = lanes.get(queue);
    if (!queueLanesOf) continue;
    for (const lane of ['high', 'low', 'dlq'] as const)
      linkables.set(sstNames.queue(queue, lane), queueLanesOf[lane]);
  }

  const environment = { ...topologyEnvironment(env), ...deploy.sharedSettings, LOG_LEVEL: deploy.logLevel };
  const jwtEnvironment = deploy.jwt
    ? {
        ...environment,
        JWT_ISSUER: deploy.jwt.issuer,
        JWT_AUDIENCE: deploy.jwt.audience,
        JWT_JWKS_URL: deploy.jwt.jwksUrl,
      }
    : environment;
  // The enqueue budget is counted in the table (RATE_LIMIT_SCOPE defaults to shared on Lambda).
  const apiEnvironment = {
    ...jwtEnvironment,
    ...deploy.apiSettings,
    ...(deploy.rateLimitPerMinute ? { RATE_LIMIT_PER_MINUTE: String(deploy.rateLimitPerMinute) } : {}),
  };
  const base = {
    linkables,
    logRetention: profile.logRetention,
    environment,
    grantTargets: { secretKeyArn: sealing.arn, ...(deploy.emailFrom ? { emailFrom: deploy.emailFrom } : {}) },
  };

  const consumers = queueConsumers(lanes, {
    ...base,
    topology,
    concurrency: profile.concurrency,
    tessdataLayer: tessdataLayer().arn,
  });
  realtimeRoutes(realtime, { ...base, environment: jwtEnvironment, memoryMb: profile.smallMemoryMb });
  const { api } = httpApi({
    ...base,
    environment: apiEnvironment,
    // Pausing a queue disables its consumer's event sources.
    grantTargets: { ...base.grantTargets, consumers },
    memoryMb: profile.apiMemoryMb,
    corsOrigins: deploy.webOrigins,
    ...(deploy.jwt ? { jwt: { issuer: deploy.jwt.issuer, audiences: [deploy.jwt.audience] } } : {}),
  });
  schedules({ ...base, memoryMb: profile.smallMemoryMb });
  const alarms = queueAlarms(lanes, {
    topology,
    ageFactor: profile.alarmAgeFactor,
    ...(deploy.alarmEmail ? { email: deploy.alarmEmail } : {}),
  });

  return {
    api: api.url,
    realtime: realtime.url,
    bucket: bucket.name,
    table: table.name,
    alarms: alarms.arn,
  };
}
