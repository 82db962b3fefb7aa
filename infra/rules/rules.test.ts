import { DEFAULT_TOPOLOGY, lambdaEntryPoints, sstNames } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSstConfig } from '../testing/evaluate';
import { fakeFunctionsRoot } from '../testing/fake-functions';
import { type RecordedComponent, Recording, Ref } from '../testing/recorder';
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
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/console/:file' },
  { method: 'POST', path: '/console/session' },
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
    const tick = component(r, 'sst.aws.Function', 'AutomationTick');
    tick.args.link = [...(tick.args.link as unknown[]), bucket];
    expect(check(r)).toEqual([
      '[links] ThumbnailConsumer: uses Files (infra/needs.ts) but does not link it',
      '[links] AutomationTick: links Files, which infra/needs.ts does not list; link only what it uses',
    ]);
  });

  it('catch a consumer that cannot send its follow-up jobs or webhook deliveries', async () => {
    const r = await fresh();
    const consumer = component(r, 'sst.aws.Function', 'InvoiceProcessingConsumer');
    consumer.args.link = (consumer.args.link as unknown[]).filter(
      (l) => !['LlmSummaryQueue', 'WebhookDeliveryDlq'].includes(Recording.recordOf(l)?.name ?? ''),
    );
    expect(check(r)).toEqual([
      '[links] InvoiceProcessingConsumer: uses WebhookDeliveryDlq (infra/needs.ts) but does not link it',
      '[links] InvoiceProcessingConsumer: uses LlmSummaryQueue (infra/needs.ts) but does not link it',
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

  it('catch an OCR consumer without Textract, and a function granted more than it uses', async () => {
    const r = await fresh();
    const invoice = component(r, 'sst.aws.Function', 'InvoiceProcessingConsumer');
    invoice.args.permissions = [];
    const thumbnail = component(r, 'sst.aws.Function', 'ThumbnailConsumer');
    thumbnail.args.permissions = [{ actions: ['textract:AnalyzeExpense'], resources: ['*'] }];
    const tick = component(r, 'sst.aws.Function', 'AutomationTick');
    tick.args.permissions = [
      { actions: ['s3:*'], resources: ['*'] },
      { actions: ['dynamodb:Scan'], resources: ['*'] },
    ];
    expect(check(r)).toEqual([
      '[permissions] InvoiceProcessingConsumer: cannot call textract:AnalyzeExpense, textract:StartExpenseAnalysis, textract:GetExpenseAnalysis',
      '[permissions] ThumbnailConsumer: may call textract, which infra/needs.ts does not grant it',
      '[permissions] AutomationTick: grants s3:*; name the actions it calls',
      '[permissions] AutomationTick: grants s3:* on every resource ("*"); scope it to the resources it uses',
      '[permissions] AutomationTick: grants dynamodb:Scan on every resource ("*"); scope it to the resources it uses',
    ]);
  });

  it('catch secret sealing without the stage key: no Decrypt, another key, no KMS_KEY_ID, KMS where none is granted', async () => {
    const r = await fresh();
    const webhook = component(r, 'sst.aws.Function', 'WebhookDeliveryConsumer');
    webhook.args.permissions = [
      { actions: ['kms:Decrypt'], resources: ['arn:aws:kms:eu-west-1:1:key/other'] },
    ];
    const api = component(r, 'sst.aws.Function', 'ApiHandler');
    api.args.permissions = (api.args.permissions as Sst.FunctionPermission[]).filter(
      (p) => !p.actions.includes('kms:GenerateDataKey'),
    );
    const email = component(r, 'sst.aws.Function', 'EmailSyncConsumer');
    const { KMS_KEY_ID: _, ...rest } = email.args.environment as Record<string, unknown>;
    email.args.environment = rest;
    const automation = component(r, 'sst.aws.Function', 'AutomationConsumer');
    automation.args.permissions = [
      { actions: ['kms:Decrypt'], resources: [Ref.of(component(r, 'aws.kms.Key', 'SecretKey'), 'arn')] },
    ];
    component(r, 'aws.kms.Key', 'SecretKey').args.enableKeyRotation = false;
    expect(check(r)).toEqual([
      '[permissions] SecretKey: does not rotate (enableKeyRotation: true)',
      "[permissions] EmailSyncConsumer: KMS_KEY_ID is unset, not SecretKey's ARN: its cipher could not seal or open",
      '[permissions] AutomationConsumer: may use KMS, but infra/needs.ts grants it no secrets; drop the statement',
      "[permissions] WebhookDeliveryConsumer: cannot open secrets: no kms:Decrypt on SecretKey's ARN",
      '[permissions] WebhookDeliveryConsumer: uses KMS on something other than SecretKey: arn:aws:kms:eu-west-1:1:key/other',
      "[permissions] ApiHandler: cannot open secrets: no kms:Decrypt on SecretKey's ARN",
      "[permissions] ApiHandler: cannot seal secrets: no kms:GenerateDataKey on SecretKey's ARN",
    ]);
  });

  it('catch a pause that cannot reach the consumers: unscoped updates, a consumer left out, a wrong name', async () => {
    const r = await fresh();
    const api = component(r, 'sst.aws.Function', 'ApiHandler');
    const statements = api.args.permissions as Sst.FunctionPermission[];
    const update = statements.find((p) => p.actions.includes('lambda:UpdateEventSourceMapping'));
    const condition = update?.conditions?.[0];
    if (!condition) throw new Error('no condition');
    condition.values = condition.values.filter((v) => String(v) !== '<ThumbnailConsumer.arn>');
    (api.args.environment as Record<string, unknown>).CONSUMER_FUNCTION_EMAIL_SYNC = 'typo-function';
    const sweeper = component(r, 'sst.aws.Function', 'Sweeper');
    sweeper.args.permissions = [{ actions: ['lambda:UpdateEventSourceMapping'], resources: ['*'] }];
    expect(check(r)).toEqual([
      '[permissions] ApiHandler: cannot pause thumbnail: ThumbnailConsumer is not among the functions whose event sources it may update',
      "[permissions] ApiHandler: CONSUMER_FUNCTION_EMAIL_SYNC is typo-function, not EmailSyncConsumer's name: pausing email-sync would fail",
      '[permissions] Sweeper: grants lambda:UpdateEventSourceMapping on every resource ("*"); scope it to the resources it uses',
      '[permissions] Sweeper: may update event source mappings, but infra/needs.ts grants no consumer-switch',
    ]);
  });

  it('catch natives not installed or at untested versions, bundling unlike build:lambdas, and a missing OCR layer', async () => {
    const r = await fresh();
    const invoice = component(r, 'sst.aws.Function', 'InvoiceProcessingConsumer');
    const nodejs = invoice.args.nodejs as { install: Record<string, string> };
    delete nodejs.install['tesseract.js'];
    nodejs.install.sharp = '0.0.1';
    delete invoice.args.layers;
    const thumbnail = component(r, 'sst.aws.Function', 'ThumbnailConsumer');
    (thumbnail.args.nodejs as { install: Record<string, string> }).install['tesseract.js'] = '7.0.0';
    component(r, 'sst.aws.Function', 'Sweeper').args.nodejs = { format: 'esm' };
    component(r, 'sst.aws.Function', 'AutomationTick').args.architecture = 'x86_64';
    const layer = component(r, 'aws.lambda.LayerVersion', 'Tessdata');
    const archive = layer.args.code as { value: Record<string, unknown> };
    delete archive.value['nodejs/node_modules/@tesseract.js-data/deu/4.0.0_best_int/deu.traineddata.gz'];
    expect(check(r)).toEqual([
      '[packaging] Tessdata: does not hold the language data the OCR adapter resolves; missing nodejs/node_modules/@tesseract.js-data/deu/4.0.0_best_int/deu.traineddata.gz',
      expect.stringMatching(
        /^\[packaging\] InvoiceProcessingConsumer: installs sharp@0\.0\.1, but the tests ran against \d+\.\d+\.\d+$/,
      ),
      '[packaging] InvoiceProcessingConsumer: loads tesseract.js but does not install it (nodejs.install)',
      '[packaging] InvoiceProcessingConsumer: may run tesseract but lacks the Tessdata layer: OCR would find no language data',
      '[packaging] ThumbnailConsumer: installs tesseract.js, which infra/needs.ts says it never loads',
      '[packaging] Sweeper: bundles with nodejs {"format":"esm"}, not as build:lambdas measures ({"format":"esm","minify":true,"plugins":"infra/bundling/esbuild-plugins.mjs","splitting":true}, nodejsArgs in infra/lambda.ts)',
      '[packaging] AutomationTick: runs on x86_64; natives and layers are built for arm64',
    ]);
  });

  it('catch a gateway-fronted function that outlives the gateway, and a table without the TTL', async () => {
    const r = await fresh();
    component(r, 'sst.aws.Function', 'ApiHandler').args.timeout = '30 seconds';
    component(r, 'sst.aws.Function', 'RealtimeHandler').args.timeout = '29 seconds';
    delete component(r, 'sst.aws.Dynamo', sstNames.table).args.ttl;
    expect(check(r)).toEqual([
      "[gateway-timeout] ApiHandler: timeout 30 s is not below API Gateway's 30 s; the client would get a 504 while it still runs",
      "[gateway-timeout] RealtimeHandler: timeout 29 s is not below API Gateway's 29 s; the client would get a 504 while it still runs",
      '[table] Jobs: TTL is off; the store expires WebSocket connections by "ttl", so stale ones would pile up',
    ]);
  });

  it('catch a scheduled function that outlives its interval', async () => {
    const r = await fresh();
    component(r, 'sst.aws.Function', 'Sweeper').args.timeout = '90 seconds';
    expect(check(r)).toEqual([
      "[schedules] SweeperSchedule: Sweeper's timeout 90 s is not below its interval 60 s; runs could overlap",
    ]);
  });
});
