import { existsSync } from 'node:fs';
import {
  DEFAULT_TOPOLOGY,
  lambdaEntryPoints,
  maxReceiveCount,
  QUEUE_NAMES,
  resolveTopology,
  sstNames,
} from '@paperlane/core';
import { sqsQueueAttributes } from '@paperlane/runtime/adapter/sqs/provision';
import { describe, expect, it } from 'vitest';
import { DAY_SECONDS } from './durations';
import { repoRoot } from './repo';
import { checkInfra } from './rules/index';
import { resolveHandler } from './rules/source-scan';
import { evaluateSstConfig } from './testing/evaluate';
import { type RecordedComponent, Recording, Ref } from './testing/recorder';

const ORIGINS = { PAPERLANE_WEB_ORIGINS: 'https://app.example.com' };
const root = repoRoot();
const production = () => evaluateSstConfig({ stage: 'production', env: ORIGINS });
const dev = () => evaluateSstConfig({ stage: 'dev' });

function argsOf<T>(recording: Recording, type: RecordedComponent['type'], name: string): T {
  const component = recording.find(type, name);
  if (!component) throw new Error(`no ${type} ${name}`);
  return component.args as unknown as T;
}

function fn(recording: Recording, name: string) {
  const component = recording.find('sst.aws.Function', name);
  if (!component) throw new Error(`no function ${name}`);
  return component.args as unknown as Sst.FunctionArgs;
}

describe('sst.config.ts', () => {
  it('names the app and keeps production data on removal', async () => {
    expect((await production()).app).toMatchObject({
      name: 'paperlane',
      home: 'aws',
      removal: 'retain',
      protect: true,
    });
    expect((await dev()).app).toMatchObject({
      name: 'paperlane',
      home: 'aws',
      removal: 'remove',
      protect: false,
    });
  });

  it("keeps production's queues and secret key on removal, which SST's retain alone would delete", async () => {
    const kept = (r: Recording) =>
      [...r.ofType('sst.aws.Queue'), ...r.ofType('aws.kms.Key')].map((c) => [c.name, c.opts?.retainOnDelete]);
    const prod = kept(await production());
    expect(prod).toHaveLength(QUEUE_NAMES.length * 3 + 1);
    expect(prod.filter(([, retained]) => retained !== true)).toEqual([]);
    expect(kept(await dev()).filter(([, retained]) => retained !== false)).toEqual([]);
  });

  it('breaks no rule in either stage, apart from entry points not written yet', async () => {
    for (const recording of [await production(), await dev()]) {
      const violations = checkInfra({
        recording,
        root,
        topology: DEFAULT_TOPOLOGY,
        appRoutes: { unavailable: 'checked in api-route-rules.test.ts' },
      });
      const pending = (v: (typeof violations)[number]) => {
        const handler = recording.find('sst.aws.Function', v.component)?.args.handler;
        return v.rule === 'handler' && typeof handler === 'string' && !resolveHandler(root, handler).file;
      };
      expect(violations.filter((v) => !pending(v))).toEqual([]);
    }
  });

  it('returns the api, realtime, bucket and table outputs', async () => {
    const { outputs } = await production();
    expect(Object.keys(outputs ?? {}).sort()).toEqual(['alarms', 'api', 'bucket', 'realtime', 'table']);
    expect(String(outputs?.api)).toBe('<Api.url>');
    expect(String(outputs?.table)).toBe('<Jobs.name>');
  });

  it('gives every topology queue the attributes the local bootstrap gives it', async () => {
    const recording = await production();
    for (const queue of QUEUE_NAMES) {
      const expected = sqsQueueAttributes(DEFAULT_TOPOLOGY[queue], 'dlq-arn');
      const lane = argsOf<Sst.QueueArgs>(recording, 'sst.aws.Queue', sstNames.queue(queue, 'low'));
      expect(lane.visibilityTimeout).toBe(`${expected.lane.VisibilityTimeout} seconds`);
      expect((lane.dlq as { retry: number }).retry).toBe(
        JSON.parse(expected.lane.RedrivePolicy).maxReceiveCount,
      );
      expect((lane.transform?.queue as Sst.SqsQueueArgs | undefined)?.messageRetentionSeconds).toBe(
        Number(expected.lane.MessageRetentionPeriod),
      );
      const dlq = argsOf<Sst.QueueArgs>(recording, 'sst.aws.Queue', sstNames.queue(queue, 'dlq'));
      expect((dlq.transform?.queue as Sst.SqsQueueArgs | undefined)?.messageRetentionSeconds).toBe(
        Number(expected.dlq.MessageRetentionPeriod),
      );
    }
  });

  it('follows topology overrides from the deploy environment', async () => {
    const env = { ...ORIGINS, JOB_RETRY_ATTEMPTS_WEBHOOK_DELIVERY: '20', JOB_CONCURRENCY_THUMBNAIL: '12' };
    const recording = await evaluateSstConfig({ stage: 'production', env });
    const topology = resolveTopology(env);
    const high = recording.find('sst.aws.Queue', sstNames.queue('webhook-delivery', 'high'))?.args.dlq;
    expect((high as { retry: number }).retry).toBe(maxReceiveCount(topology['webhook-delivery']));
    expect((high as { retry: number }).retry).toBe(25);
    const subscriber = recording.find(
      'sst.aws.QueueSubscriber',
      `${sstNames.queue('thumbnail', 'high')}Subscriber`,
    );
    expect(subscriber?.args.transform).toEqual({
      eventSourceMapping: { scalingConfig: { maximumConcurrency: 12 } },
    });
    // The consumers decide retries with the same topology the redrive counts come from.
    expect(fn(recording, sstNames.consumer('webhook-delivery')).environment).toMatchObject({
      JOB_RETRY_ATTEMPTS_WEBHOOK_DELIVERY: '20',
    });
    expect(
      checkInfra({ recording, root, topology, appRoutes: { unavailable: '' } }).filter(
        (v) => v.rule !== 'handler',
      ),
    ).toEqual([]);
  });

  it('sizes dev stages down: concurrency capped, a day of retention, cheaper functions, no deletion protection', async () => {
    const [prod, small] = [await production(), await dev()];
    const concurrency = (r: Recording, queue: string) =>
      r.find('sst.aws.QueueSubscriber', `${queue}Subscriber`)?.args.transform;
    expect(concurrency(prod, 'WebhookDeliveryQueue')).toEqual({
      eventSourceMapping: { scalingConfig: { maximumConcurrency: 32 } },
    });
    expect(concurrency(small, 'WebhookDeliveryQueue')).toEqual({
      eventSourceMapping: { scalingConfig: { maximumConcurrency: 2 } },
    });
    const retention = (r: Recording) =>
      argsOf<Sst.QueueArgs>(r, 'sst.aws.Queue', 'ThumbnailQueue').transform?.queue as Sst.SqsQueueArgs;
    expect(retention(prod).messageRetentionSeconds).toBe(4 * DAY_SECONDS);
    expect(retention(small).messageRetentionSeconds).toBe(DAY_SECONDS);
    expect(fn(prod, 'ApiHandler').memory).toBe('1024 MB');
    expect(fn(small, 'ApiHandler').memory).toBe('512 MB');
    expect(prod.find('sst.aws.Dynamo', sstNames.table)?.args.deletionProtection).toBe(true);
    expect(small.find('sst.aws.Dynamo', sstNames.table)?.args.deletionProtection).toBe(false);
    const threshold = (r: Recording) =>
      argsOf<Sst.MetricAlarmArgs>(r, 'aws.cloudwatch.MetricAlarm', 'ThumbnailQueueAgeAlarm').threshold;
    expect(threshold(small)).toBe(threshold(prod) * 3);
  });

  it('routes the seven API paths to one function, behind the JWT authorizer only with an external issuer', async () => {
    const hs256 = await production();
    const routes = hs256.ofType('sst.aws.ApiGatewayV2Route');
    expect(routes.map((r) => r.args.route).sort()).toEqual([
      'ANY /admin/{proxy+}',
      'ANY /api/{proxy+}',
      'ANY /console/{proxy+}',
      'GET /',
      'GET /docs',
      'GET /healthz',
      'GET /openapi.json',
    ]);
    expect(new Set(routes.map((r) => String(r.args.handler)))).toEqual(new Set(['<ApiHandler.arn>']));
    expect(hs256.ofType('sst.aws.ApiGatewayV2Authorizer')).toEqual([]);
    expect(hs256.find('sst.Secret', sstNames.secrets.jwtSecret)?.args).toEqual({});

    const oidc = await evaluateSstConfig({
      stage: 'production',
      env: {
        ...ORIGINS,
        PAPERLANE_JWT_ISSUER: 'https://auth.example.com/',
        PAPERLANE_JWT_AUDIENCE: 'paperlane-api',
        PAPERLANE_JWT_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
        PAPERLANE_RATE_LIMIT_PER_MINUTE: '600',
        PAPERLANE_JWT_MAX_LIFETIME_SECONDS: '3600',
        PAPERLANE_API_MAX_BODY_BYTES: '65536',
        PAPERLANE_FAIR_SHARE_MAX_IN_FLIGHT: '3',
        PAPERLANE_TENANT_BUDGET_OCR_PAGES: '5000',
      },
    });
    // Fair share and budgets: the API admits and checks, consumers and the sweeper release and charge.
    for (const name of ['ApiHandler', sstNames.consumer('invoice-processing'), 'Sweeper']) {
      expect(fn(oidc, name).environment).toMatchObject({
        FAIR_SHARE_MAX_IN_FLIGHT: '3',
        TENANT_BUDGET_OCR_PAGES: '5000',
      });
    }
    // The API's enqueue budget and body/token limits, the API's alone.
    expect(fn(oidc, 'ApiHandler').environment).toMatchObject({
      RATE_LIMIT_PER_MINUTE: '600',
      JWT_MAX_LIFETIME_SECONDS: '3600',
      API_MAX_BODY_BYTES: '65536',
    });
    for (const name of ['RATE_LIMIT_PER_MINUTE', 'JWT_MAX_LIFETIME_SECONDS', 'API_MAX_BODY_BYTES']) {
      expect(fn(oidc, sstNames.consumer('thumbnail')).environment).not.toHaveProperty(name);
    }
    const [authorizer] = oidc.ofType('sst.aws.ApiGatewayV2Authorizer');
    expect(authorizer?.args).toMatchObject({
      jwt: { issuer: 'https://auth.example.com/', audiences: ['paperlane-api'] },
    });
    const auth = (route: string) => oidc.find('sst.aws.ApiGatewayV2Route', `Api ${route}`)?.args.auth;
    expect(auth('ANY /api/{proxy+}')).toEqual({ jwt: { authorizer: expect.any(Ref) } });
    expect(auth('ANY /admin/{proxy+}')).toEqual({ jwt: { authorizer: expect.any(Ref) } });
    expect(auth('GET /healthz')).toBeUndefined();
    // The app checks the same tokens again (defence in depth, and it needs the tenant claim).
    expect(fn(oidc, 'ApiHandler').environment).toMatchObject({
      JWT_ISSUER: 'https://auth.example.com/',
      JWT_AUDIENCE: 'paperlane-api',
      JWT_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
    });
    expect(oidc.find('sst.Secret', sstNames.secrets.jwtSecret)?.args).toEqual({ placeholder: '' });
  });

  it('serves $connect, $disconnect and $default from the websocket entry point', async () => {
    const recording = await production();
    const routes = recording.ofType('sst.aws.ApiGatewayWebSocketRoute');
    expect(routes.map((r) => r.args.route)).toEqual(['$connect', '$disconnect', '$default']);
    expect(fn(recording, 'RealtimeHandler').handler).toBe(
      lambdaEntryPoints.websocket.replace(/\.ts$/, '.handler'),
    );
  });

  it('schedules the sweeper and the automation tick every minute, and nothing else', async () => {
    const recording = await production();
    const schedule = (name: string) => recording.find('sst.aws.CronV2', name)?.args;
    expect(schedule('SweeperSchedule')).toMatchObject({
      schedule: 'rate(1 minute)',
      function: expect.any(Ref),
    });
    expect(schedule('AutomationTickSchedule')).toMatchObject({
      schedule: 'rate(1 minute)',
      retries: 0,
      event: {
        'detail-type': 'Scheduled Event',
        time: '<aws.scheduler.scheduled-time>',
        detail: { schedule: 'automationTick' },
      },
    });
    // Mailboxes sync through their owners' automations, which the automation tick runs.
    expect(recording.ofType('sst.aws.CronV2').map((c) => c.name)).toEqual([
      'SweeperSchedule',
      'AutomationTickSchedule',
    ]);
  });

  it('packages native and file-loading modules per function, and the OCR data as a layer', async () => {
    const recording = await production();
    for (const queue of ['invoice-processing', 'llm-summary'] as const) {
      const consumer = fn(recording, sstNames.consumer(queue));
      expect(Object.keys(consumer.nodejs?.install ?? {}).sort()).toEqual([
        '@napi-rs/canvas',
        'pdfjs-dist',
        'sharp',
        'tesseract.js',
      ]);
      expect(consumer.layers?.map(String)).toEqual(['<Tessdata.arn>']);
    }
    const thumbnail = fn(recording, sstNames.consumer('thumbnail'));
    expect(Object.keys(thumbnail.nodejs?.install ?? {}).sort()).toEqual([
      '@napi-rs/canvas',
      'pdfjs-dist',
      'sharp',
    ]);
    expect(thumbnail.layers).toBeUndefined();
    expect(fn(recording, 'ApiHandler').nodejs).toEqual({
      format: 'esm',
      minify: true,
      plugins: 'infra/bundling/esbuild-plugins.mjs',
      splitting: true,
    });
    // SST would bundle what the thumbnail consumer neither installs nor excludes.
    expect(thumbnail.nodejs?.esbuild).toEqual({ external: ['tesseract.js'] });
    const layer = recording.find('aws.lambda.LayerVersion', 'Tessdata')?.args as {
      code: { value: Record<string, { value: string }> };
      compatibleArchitectures: string[];
    };
    const files = Object.entries(layer.code.value);
    expect(files.map(([path]) => path)).toContain(
      'nodejs/node_modules/@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz',
    );
    expect(files.map(([path]) => path)).toContain('nodejs/node_modules/@tesseract.js-data/eng/package.json');
    // Only the LSTM models tesseract is asked for, not the packages' legacy ones.
    expect(files.some(([path]) => path.includes('/4.0.0/'))).toBe(false);
    for (const [, asset] of files) expect(existsSync(asset.value)).toBe(true);
    expect(layer.compatibleArchitectures).toEqual(['arm64']);
  });

  it('grants OCR Textract, the secret-sealing functions the stage key, and the API the consumer switch', async () => {
    const recording = await production();
    const key = recording.find('aws.kms.Key', 'SecretKey');
    expect(key?.args).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    const actions = (name: string) =>
      (fn(recording, name).permissions ?? []).flatMap((p) => p.actions).sort();
    expect(actions(sstNames.consumer('invoice-processing'))).toEqual([
      'textract:AnalyzeExpense',
      'textract:GetExpenseAnalysis',
      'textract:StartExpenseAnalysis',
    ]);
    expect(actions(sstNames.consumer('webhook-delivery'))).toEqual(['kms:Decrypt']);
    expect(actions(sstNames.consumer('email-sync'))).toEqual(['kms:Decrypt']);
    expect(actions('ApiHandler')).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'lambda:ListEventSourceMappings',
      'lambda:UpdateEventSourceMapping',
    ]);
    expect(actions(sstNames.consumer('thumbnail'))).toEqual([]);
    const api = fn(recording, 'ApiHandler');
    expect(String(api.environment?.KMS_KEY_ID)).toBe('<SecretKey.arn>');
    expect(String(api.environment?.CONSUMER_FUNCTION_THUMBNAIL)).toBe('<ThumbnailConsumer.name>');
    const update = api.permissions?.find((p) => p.actions.includes('lambda:UpdateEventSourceMapping'));
    expect(update?.conditions?.[0]?.values.map(String).sort()).toEqual(
      QUEUE_NAMES.map((q) => `<${sstNames.consumer(q)}.arn>`).sort(),
    );
    expect(fn(recording, sstNames.consumer('thumbnail')).environment).not.toHaveProperty('KMS_KEY_ID');
  });

  it('with PAPERLANE_EMAIL_FROM, lets the functions that settle jobs send SES email from that address only', async () => {
    const from = 'paperlane@example.com';
    const recording = await evaluateSstConfig({
      stage: 'production',
      env: { ...ORIGINS, PAPERLANE_EMAIL_FROM: from },
    });
    const settling = [...QUEUE_NAMES.map((q) => sstNames.consumer(q)), 'Sweeper'];
    for (const name of settling) {
      const args = fn(recording, name);
      const send = args.permissions?.find((p) => p.actions.includes('ses:SendEmail'));
      expect(send?.conditions).toEqual([
        { test: 'StringEquals', variable: 'ses:FromAddress', values: [from] },
      ]);
      expect(args.environment).toMatchObject({ EMAIL_TRANSPORT: 'ses', EMAIL_FROM: from });
    }
    const api = fn(recording, 'ApiHandler');
    expect((api.permissions ?? []).flatMap((p) => p.actions)).not.toContain('ses:SendEmail');
    expect(api.environment).not.toHaveProperty('EMAIL_FROM');
    const violations = checkInfra({
      recording,
      root,
      topology: DEFAULT_TOPOLOGY,
      appRoutes: { unavailable: 'checked in api-route-rules.test.ts' },
    });
    expect(violations.filter((v) => v.rule === 'permissions')).toEqual([]);
    // Without it, nothing may send.
    const plain = await production();
    for (const name of settling) {
      expect((fn(plain, name).permissions ?? []).flatMap((p) => p.actions)).not.toContain('ses:SendEmail');
      expect(fn(plain, name).environment).not.toHaveProperty('EMAIL_TRANSPORT');
    }
  });

  it('links each consumer to the queues its jobs enqueue follow-ups on, and to webhook delivery', async () => {
    const recording = await production();
    const linked = (name: string) =>
      ((fn(recording, name).link ?? []) as unknown[]).map((l) => Recording.recordOf(l)?.name);
    expect(linked(sstNames.consumer('invoice-processing'))).toEqual(
      expect.arrayContaining(['LlmSummaryQueue', 'LlmSummaryLowQueue', 'WebhookDeliveryQueue', 'Realtime']),
    );
    expect(linked(sstNames.consumer('email-sync'))).toEqual(
      expect.arrayContaining(['InvoiceProcessingQueue', 'ThumbnailQueue', 'ThumbnailLowQueue']),
    );
    expect(linked(sstNames.consumer('thumbnail'))).not.toContain('LlmSummaryQueue');
    expect(linked('ApiHandler')).not.toContain('Realtime');
    expect(linked('Sweeper')).toContain('Realtime');
  });

  it('expires WebSocket connections through the table TTL', async () => {
    expect((await production()).find('sst.aws.Dynamo', sstNames.table)?.args.ttl).toBe('ttl');
  });

  it('refuses a production deploy without web origins, naming the variable', async () => {
    await expect(evaluateSstConfig({ stage: 'production' })).rejects.toThrow(
      /PAPERLANE_WEB_ORIGINS must list/,
    );
    await expect(
      evaluateSstConfig({ stage: 'dev', env: { PAPERLANE_JWT_ISSUER: 'https://auth.example.com/' } }),
    ).rejects.toThrow(/set PAPERLANE_JWT_ISSUER, PAPERLANE_JWT_AUDIENCE and PAPERLANE_JWT_JWKS_URL together/);
  });
});
