import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOPOLOGY, maxReceiveCount, QUEUE_NAMES, sstNames } from '@paperlane/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sstBuildOptions } from './bundling/bundle';
import { laneConcurrency } from './concurrency';
import { DAY_SECONDS } from './durations';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME, nodejsArgs } from './lambda';
import { allLambdaSpecs } from './needs';
import { installedVersion, repoRoot } from './repo';
import { SCHEDULES } from './schedules';
import { evaluateSstConfig } from './testing/evaluate';
import { evaluateWithSst, type SstEvaluation, type SstResource } from './testing/evaluate-sst';
import type { ComponentType } from './testing/recorder';
import { sstPlatformDir } from './testing/sst-embedded';

/**
 * The app evaluated with SST's real components (from the pinned CLI) and the real
 * `@pulumi/aws` resources under Pulumi's mocks, beside the stand-ins the other infra
 * tests use: a renamed or mis-shaped argument, or a stand-in that drifted from SST,
 * fails here.
 */
const ORIGINS = { PAPERLANE_WEB_ORIGINS: 'https://app.example.com' };
let dev: SstEvaluation;
let production: SstEvaluation;
beforeAll(async () => {
  dev = await evaluateWithSst({ stage: 'dev', secrets: { JwtSecret: 'dev-secret' } });
  production = await evaluateWithSst({
    stage: 'production',
    env: ORIGINS,
    secrets: { JwtSecret: 'prod-secret' },
  });
}, 120_000);

const ofType = (e: SstEvaluation, type: string): SstResource[] => e.resources.filter((r) => r.type === type);
const names = (resources: SstResource[]) => resources.map((r) => r.name).sort();

describe('the app on the real SST platform', () => {
  it('deploys without an error, with the components the stand-ins record', async () => {
    expect(dev.errors).toEqual([]);
    expect(production.errors).toEqual([]);
    const standIns = await evaluateSstConfig({ stage: 'dev' });
    const pairs: [ComponentType, string][] = [
      ['sst.aws.Function', 'sst:aws:Function'],
      ['sst.aws.Queue', 'sst:aws:Queue'],
      ['sst.aws.Dynamo', 'sst:aws:Dynamo'],
      ['sst.aws.Bucket', 'sst:aws:Bucket'],
      ['sst.aws.CronV2', 'sst:aws:CronV2'],
      ['sst.aws.SnsTopic', 'sst:aws:SnsTopic'],
      ['sst.Secret', 'sst:sst:Secret'],
      ['aws.cloudwatch.MetricAlarm', 'aws:cloudwatch/metricAlarm:MetricAlarm'],
      ['aws.kms.Key', 'aws:kms/key:Key'],
      ['aws.lambda.LayerVersion', 'aws:lambda/layerVersion:LayerVersion'],
    ];
    for (const [standIn, real] of pairs) {
      expect(names(ofType(dev, real)), real).toEqual(
        standIns
          .ofType(standIn)
          .map((c) => c.name)
          .sort(),
      );
    }
    // Each queue lane has one subscriber: one event source mapping per lane.
    expect(ofType(dev, 'aws:lambda/eventSourceMapping:EventSourceMapping')).toHaveLength(
      QUEUE_NAMES.length * 2,
    );
    expect(ofType(dev, 'aws:lambda/function:Function')).toHaveLength(allLambdaSpecs().length);
  });

  it('runs on the Pulumi packages the pinned SST platform depends on (root devDependencies)', () => {
    const platform = JSON.parse(readFileSync(join(sstPlatformDir(), 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of [
      '@pulumi/pulumi',
      '@pulumi/aws',
      '@pulumi/random',
      '@pulumi/tls',
      '@pulumi/docker-build',
      'archiver',
    ]) {
      // Some Pulumi packages spell their own version with a leading v.
      expect(installedVersion(name, '.').replace(/^v/, ''), name).toBe(platform.dependencies[name]);
    }
  });

  it('hands SST the bundling build:lambdas measures, for every function', async () => {
    const specs = allLambdaSpecs();
    expect(dev.builds.map((b) => b.functionID).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const build of dev.builds) {
      const spec = specs.find((s) => s.name === build.functionID);
      if (!spec) throw new Error(`unexpected build ${build.functionID}`);
      const { architecture, ...nodejs } = build.properties;
      expect(architecture, spec.name).toBe(LAMBDA_ARCHITECTURE);
      expect(build.runtime, spec.name).toBe(LAMBDA_RUNTIME);
      expect(nodejs, spec.name).toEqual(nodejsArgs(spec));
      // So the esbuild options SST's builder derives are the ones build:lambdas runs.
      const out = join(repoRoot(), '.tmp', 'options');
      expect(await sstBuildOptions(spec.entry, out, nodejs as Sst.NodejsArgs, LAMBDA_RUNTIME)).toEqual(
        await sstBuildOptions(spec.entry, out, nodejsArgs(spec)),
      );
    }
  });

  it('runs every function on arm64 Node 22 with its topology sizes', () => {
    for (const fn of ofType(dev, 'aws:lambda/function:Function')) {
      expect(fn.inputs, fn.name).toMatchObject({
        runtime: LAMBDA_RUNTIME,
        architectures: [LAMBDA_ARCHITECTURE],
      });
    }
    const invoice = ofType(dev, 'aws:lambda/function:Function').find((f) =>
      f.name.startsWith('InvoiceProcessingConsumer'),
    );
    expect(invoice?.inputs).toMatchObject({
      memorySize: DEFAULT_TOPOLOGY['invoice-processing'].memoryMb,
      timeout: DEFAULT_TOPOLOGY['invoice-processing'].timeoutSeconds,
    });
    for (const mapping of ofType(dev, 'aws:lambda/eventSourceMapping:EventSourceMapping')) {
      expect(mapping.inputs.functionResponseTypes, mapping.name).toEqual(['ReportBatchItemFailures']);
      expect(mapping.inputs.scalingConfig, mapping.name).toEqual({ maximumConcurrency: 2 });
    }
  });

  it('gives every SQS queue and event source the topology, as SQS and Lambda receive them', () => {
    const one = (e: SstEvaluation, type: string, prefix: string) => {
      const found = ofType(e, type).filter((r) => r.name.startsWith(prefix));
      expect(found, prefix).toHaveLength(1);
      return (found[0] as SstResource).inputs;
    };
    for (const queue of QUEUE_NAMES) {
      const t = DEFAULT_TOPOLOGY[queue];
      const dlq = one(production, 'aws:sqs/queue:Queue', `${sstNames.queue(queue, 'dlq')}Queue`);
      expect(dlq.messageRetentionSeconds, queue).toBe(t.dlqRetentionDays * DAY_SECONDS);
      const concurrency = laneConcurrency(t.concurrency);
      for (const lane of ['high', 'low'] as const) {
        const name = sstNames.queue(queue, lane);
        const sqs = one(production, 'aws:sqs/queue:Queue', `${name}Queue`);
        expect(sqs.visibilityTimeoutSeconds, name).toBe(t.visibilityTimeoutSeconds);
        expect(sqs.messageRetentionSeconds, name).toBe(t.messageRetentionDays * DAY_SECONDS);
        expect(JSON.parse(sqs.redrivePolicy as string), name).toMatchObject({
          maxReceiveCount: maxReceiveCount(t),
        });
        const mapping = one(
          production,
          'aws:lambda/eventSourceMapping:EventSourceMapping',
          `${name}Subscriber`,
        );
        expect(mapping, name).toMatchObject({
          batchSize: t.batchSize,
          maximumBatchingWindowInSeconds: t.batchWindowSeconds,
          functionResponseTypes: ['ReportBatchItemFailures'],
          scalingConfig: { maximumConcurrency: concurrency[lane] },
        });
      }
    }
  });

  it('ticks the schedules every minute with their event and no retries', () => {
    for (const { spec, schedule } of Object.values(SCHEDULES)) {
      const found = ofType(dev, 'aws:scheduler/schedule:Schedule').find((r) => r.name.startsWith(spec.name));
      if (!found) throw new Error(`no schedule for ${spec.name}`);
      expect(found.inputs, spec.name).toMatchObject({
        scheduleExpression: schedule,
        target: { retryPolicy: { maximumRetryAttempts: 0 } },
      });
      expect(JSON.parse((found.inputs.target as { input: string }).input), spec.name).toMatchObject({
        'detail-type': 'Scheduled Event',
      });
    }
  });

  it('turns on point-in-time recovery on every stage (SST always does)', () => {
    for (const e of [dev, production]) {
      const [table] = ofType(e, 'aws:dynamodb/table:Table');
      expect(table?.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    }
  });

  it("keeps production's table, bucket, queues and secret key when the stage is removed, and nothing of dev's", () => {
    const stateful = (e: SstEvaluation) =>
      e.resources.filter((r) =>
        [
          'aws:dynamodb/table:Table',
          'aws:s3/bucket:Bucket',
          'aws:s3/bucketV2:BucketV2',
          'aws:sqs/queue:Queue',
          'aws:kms/key:Key',
        ].includes(r.type),
      );
    expect(stateful(production)).toHaveLength(1 + 1 + QUEUE_NAMES.length * 3 + 1);
    expect(
      stateful(production)
        .filter((r) => !r.retainOnDelete)
        .map((r) => r.name),
    ).toEqual([]);
    expect(
      stateful(dev)
        .filter((r) => r.retainOnDelete)
        .map((r) => r.name),
    ).toEqual([]);
  });
});
