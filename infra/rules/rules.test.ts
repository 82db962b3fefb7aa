import { DEFAULT_TOPOLOGY, lambdaEntryPoints, sstNames } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSstConfig } from '../testing/evaluate';
import { fakeFunctionsRoot } from '../testing/fake-functions';
import { type RecordedComponent, Recording } from '../testing/recorder';
import { checkInfra, formatViolation } from './index';
import type { AppRoute } from './types';

/** The routes the Hono app serves today (packages/api/src/routes), until `listRoutes()` exists. */
const APP_ROUTES: AppRoute[] = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/docs' },
  { method: 'GET', path: '/docs/assets/:file' },
  { method: 'POST', path: '/api/upload' },
  { method: 'GET', path: '/api/jobs/:job_id' },
  { method: 'POST', path: '/api/jobs/:job_id/retry' },
  { method: 'GET', path: '/admin/queues' },
];

const fake = fakeFunctionsRoot();
afterAll(() => fake.remove());

let recording: Recording;
beforeAll(async () => {
  recording = await evaluateSstConfig({
    stage: 'production',
    env: { PAPERLANE_WEB_ORIGINS: 'https://app.example.com' },
  });
});

/** A fresh evaluation to break; the shared one stays intact. */
async function fresh(): Promise<Recording> {
  return evaluateSstConfig({
    stage: 'production',
    env: { PAPERLANE_WEB_ORIGINS: 'https://app.example.com' },
  });
}

function check(r: Recording, options: { root?: string; appRoutes?: AppRoute[] } = {}): string[] {
  return checkInfra({
    recording: r,
    root: options.root ?? fake.root,
    topology: DEFAULT_TOPOLOGY,
    appRoutes: options.appRoutes ?? APP_ROUTES,
  }).map(formatViolation);
}

function component(r: Recording, type: RecordedComponent['type'], name: string): RecordedComponent {
  const found = r.find(type, name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
}

describe('infra rules', () => {
  it('pass on the app as configured, given entry points that export handler', () => {
    expect(check(recording)).toEqual([]);
  });

  it('catch a queue without a dead-letter queue', async () => {
    const r = await fresh();
    delete component(r, 'sst.aws.Queue', 'ThumbnailQueue').args.dlq;
    expect(check(r)).toContain(
      '[dead-letter] ThumbnailQueue: queue ThumbnailQueue has no dead-letter queue (set dlq): a message that keeps failing would be retried until it expires, then lost',
    );
  });

  it('catch a dead-letter queue that keeps messages less than 14 days', async () => {
    const r = await fresh();
    component(r, 'sst.aws.Queue', 'ThumbnailDlq').args.transform = {
      queue: { messageRetentionSeconds: 4 * 86_400 },
    };
    expect(check(r)).toContain(
      "[dead-letter] ThumbnailDlq: dead-letter queue ThumbnailDlq keeps messages 4 days; keep them 14 (SQS's maximum) so failed jobs can be inspected and redriven",
    );
  });

  it("catch a visibility timeout below 6× the consumer's timeout plus the batch window", async () => {
    const r = await fresh();
    component(r, 'sst.aws.Queue', 'InvoiceProcessingLowQueue').args.visibilityTimeout = '300 seconds';
    expect(check(r)).toContain(
      "[visibility] InvoiceProcessingLowQueue: visibility timeout 300 s is below 6 × InvoiceProcessingConsumer's timeout (120 s) + batch window (0 s) = 720 s; messages would reappear while their consumer still runs",
    );
  });

  it('catch a visibility timeout left at SST’s default', async () => {
    const r = await fresh();
    delete component(r, 'sst.aws.Queue', 'AutomationQueue').args.visibilityTimeout;
    expect(check(r).filter((line) => line.startsWith('[visibility]'))).toEqual([
      "[visibility] AutomationQueue: visibility timeout 30 s is below 6 × AutomationConsumer's timeout (60 s) + batch window (0 s) = 360 s; messages would reappear while their consumer still runs",
    ]);
  });

  it('catch a subscriber without partial batch responses', async () => {
    const r = await fresh();
    const subscriber = component(r, 'sst.aws.QueueSubscriber', 'EmailSyncQueueSubscriber');
    subscriber.args.batch = { size: 1, window: '0 seconds' };
    expect(check(r)).toContain(
      '[partial-responses] EmailSyncQueue: the subscriber of EmailSyncQueue does not set batch.partialResponses: true; one failed message would send its whole batch back',
    );
  });

  it('catch a handler path whose module does not export handler', () => {
    const broken = fakeFunctionsRoot({
      [lambdaEntryPoints.sweeper]: 'export const main = async () => ({});\n// export const handler = main;\n',
    });
    try {
      expect(check(recording, { root: broken.root })).toEqual([
        '[handler] Sweeper: handler packages/functions/src/lambda/sweeper.handler: packages/functions/src/lambda/sweeper.ts does not export `handler`',
      ]);
    } finally {
      broken.remove();
    }
  });

  it('catch a handler path with no file behind it', async () => {
    const r = await fresh();
    component(r, 'sst.aws.Function', 'ApiHandler').args.handler = 'packages/functions/src/lambda/apí.handler';
    expect(check(r)).toContain(
      '[handler] ApiHandler: handler packages/functions/src/lambda/apí.handler: no file packages/functions/src/lambda/apí.{ts,js,mjs,...}',
    );
  });

  it('catch an API route the Hono app does not serve, and an app route the gateway does not reach', async () => {
    const r = await fresh();
    const api = r.ofType('sst.aws.ApiGatewayV2Route')[0] as RecordedComponent;
    r.add('sst.aws.ApiGatewayV2Route', 'Api GET /metrics', { ...api.args, route: 'GET /metrics' });
    const lines = check(r, { appRoutes: [...APP_ROUTES, { method: 'GET', path: '/v2/status' }] });
    expect(lines).toEqual([
      '[api-routes] Api: route GET /metrics is not served by the Hono app (no app route matches it)',
      "[api-routes] Api: the app's GET /v2/status is reachable through no API Gateway route; add one, or list it in NOT_ROUTED_ON_AWS (infra/api.ts) with the reason",
    ]);
  });

  it('catch a function on another runtime, or on SST v4’s default', async () => {
    const r = await fresh();
    component(r, 'sst.aws.Function', 'Sweeper').args.runtime = 'nodejs20.x';
    delete component(r, 'sst.aws.Function', 'AutomationTick').args.runtime;
    expect(check(r)).toEqual([
      '[runtime] Sweeper: runs nodejs20.x; set runtime: "nodejs22.x"',
      '[runtime] AutomationTick: runs SST\'s default runtime (nodejs24.x in v4); set runtime: "nodejs22.x"',
    ]);
  });

  it('catch a function that links less or more than it uses', async () => {
    const r = await fresh();
    const consumer = component(r, 'sst.aws.Function', 'ThumbnailConsumer');
    const links = consumer.args.link as unknown[];
    const bucket = links.find((l) => Recording.recordOf(l)?.name === sstNames.bucket);
    consumer.args.link = links.filter((l) => l !== bucket);
    const tick = component(r, 'sst.aws.Function', 'EmailSyncTick');
    tick.args.link = [...(tick.args.link as unknown[]), bucket];
    expect(check(r)).toEqual([
      '[links] ThumbnailConsumer: uses Files (infra/needs.ts) but does not link it',
      '[links] EmailSyncTick: links Files, which infra/needs.ts does not list; link only what it uses',
    ]);
  });

  it('catch a consumer subscribed by ARN that does not link the queue it consumes', async () => {
    const r = await fresh();
    const consumer = component(r, 'sst.aws.Function', 'WebhookDeliveryConsumer');
    consumer.args.link = (consumer.args.link as unknown[]).filter(
      (l) => Recording.recordOf(l)?.name !== 'WebhookDeliveryLowQueue',
    );
    expect(check(r)).toEqual([
      '[links] WebhookDeliveryConsumer: uses WebhookDeliveryLowQueue (infra/needs.ts) but does not link it',
      '[links] WebhookDeliveryConsumer: consumes WebhookDeliveryLowQueue but does not link it, so it may not receive from it',
    ]);
  });

  it('catch an entry point reading a Resource it does not link, through its relative imports', () => {
    const broken = fakeFunctionsRoot({
      [lambdaEntryPoints.automationTick]:
        "import { tick } from './ticks/run';\nexport const handler = tick;\n",
      'packages/functions/src/lambda/ticks/run.ts':
        "import { Resource } from 'sst';\nexport const tick = async () => Resource.Files.name;\n",
    });
    try {
      expect(check(recording, { root: broken.root })).toEqual([
        '[links] AutomationTick: reads Resource.Files in its source but does not link it',
      ]);
    } finally {
      broken.remove();
    }
  });

  it('catch a queue whose alarms are missing or notify nobody', async () => {
    const r = await fresh();
    r.components.splice(
      r.components.indexOf(component(r, 'aws.cloudwatch.MetricAlarm', 'LlmSummaryDlqDepthAlarm')),
      1,
    );
    component(r, 'aws.cloudwatch.MetricAlarm', 'LlmSummaryLowQueueAgeAlarm').args.alarmActions = [];
    expect(check(r)).toEqual([
      "[alarms] LlmSummaryDlq: no alarm on LlmSummaryDlq's ApproximateNumberOfMessagesVisible > 0",
      '[alarms] LlmSummaryLowQueueAgeAlarm: notifies nobody (no alarmActions)',
    ]);
  });

  it('catch an age alarm tighter than a healthy message may wait', async () => {
    const r = await fresh();
    component(r, 'aws.cloudwatch.MetricAlarm', 'ThumbnailQueueAgeAlarm').args.threshold = 60;
    expect(check(r)).toEqual([
      '[alarms] ThumbnailQueueAgeAlarm: threshold 60 s is below the 666 s a healthy thumbnail message may wait; it would fire on normal retries',
    ]);
  });

  it('catch a low lane allowed as much concurrency as the high lane, and an uncapped event source', async () => {
    const r = await fresh();
    component(r, 'sst.aws.QueueSubscriber', 'LlmSummaryLowQueueSubscriber').args.transform = {
      eventSourceMapping: { scalingConfig: { maximumConcurrency: 8 } },
    };
    delete component(r, 'sst.aws.QueueSubscriber', 'ThumbnailQueueSubscriber').args.transform;
    expect(check(r)).toEqual([
      '[concurrency] ThumbnailQueue: the event source of ThumbnailQueue has no maximum concurrency (transform.eventSourceMapping.scalingConfig.maximumConcurrency); a burst would scale its consumer unbounded',
      "[concurrency] LlmSummaryLowQueue: the low lane's maximum concurrency 8 is not below the high lane's 8; batch work could crowd out user work",
    ]);
  });

  it('catch lanes that drift from the topology', async () => {
    const r = await fresh();
    const automationDlq = (component(r, 'sst.aws.Queue', 'AutomationQueue').args.dlq as { queue: unknown })
      .queue;
    component(r, 'sst.aws.Queue', 'WebhookDeliveryQueue').args.dlq = { queue: automationDlq, retry: 3 };
    expect(check(r)).toEqual([
      '[topology] WebhookDeliveryQueue: redrives after 3 receives; the topology says 18 (attempts 13 + the receive allowance)',
      "[topology] WebhookDeliveryQueue: redrives to AutomationDlq, not its queue's WebhookDeliveryDlq",
    ]);
  });

  it('catch a topology queue without lanes or consumer', async () => {
    const r = await fresh();
    r.components.splice(
      r.components.indexOf(component(r, 'sst.aws.QueueSubscriber', 'AutomationLowQueueSubscriber')),
      1,
    );
    expect(check(r)).toEqual([
      '[queue-coverage] AutomationLowQueue: AutomationLowQueue is not consumed by AutomationConsumer',
      '[dead-letter] AutomationLowQueue: queue AutomationLowQueue is neither consumed nor a dead-letter queue',
    ]);
  });

  it('catch a table whose indexes drift from the store', async () => {
    const r = await fresh();
    const table = component(r, 'sst.aws.Dynamo', sstNames.table);
    const { gsi4: _, ...indexes } = table.args.globalIndexes as Record<string, unknown>;
    table.args.globalIndexes = indexes;
    expect(check(r)).toHaveLength(1);
    expect(check(r)[0]).toMatch(
      /^\[table\] Jobs: globalIndexes differ from @paperlane\/store's tableDefinition: expected .*"gsi4"/,
    );
  });

  it('catch a scheduled function that outlives its interval', async () => {
    const r = await fresh();
    component(r, 'sst.aws.Function', 'Sweeper').args.timeout = '90 seconds';
    expect(check(r)).toEqual([
      "[schedules] SweeperSchedule: Sweeper's timeout 90 s is not below its interval 60 s; runs could overlap",
    ]);
  });
});
