import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../repo';
import { withDeployEnv } from './evaluate';
import { sstPlatformDir } from './sst-embedded';

/** A resource Pulumi registered, with what infra can get wrong about it. */
export interface SstResource {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** From the resource options once SST's own transformations ran. */
  retainOnDelete: boolean;
}

/** What SST's `Runtime.Build` RPC was asked to build: one per function. */
export interface SstBuildRequest {
  functionID: string;
  handler: string;
  runtime: string;
  /** The `nodejs` args as SST hands them to its builder, plus the architecture. */
  properties: Record<string, unknown>;
}

export interface SstEvaluation {
  resources: SstResource[];
  builds: SstBuildRequest[];
  outputs: Record<string, unknown>;
  /** Errors Pulumi logged (a failed apply, an invalid input). */
  errors: string[];
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** Deploy-time attributes components read off their child resources, faked per resource. */
function mockState(type: string, name: string, inputs: Record<string, unknown>) {
  const arn = `arn:aws:${type.split(':')[1]?.split('/')[0] ?? 'mock'}:${REGION}:${ACCOUNT}:${name}`;
  return {
    ...inputs,
    arn,
    name: inputs.name ?? name,
    url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
    invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/functions/${arn}/invocations`,
    apiEndpoint: `https://${name.toLowerCase()}.execute-api.${REGION}.amazonaws.com`,
    executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${name}`,
    bucket: inputs.bucket ?? name.toLowerCase(),
    keyId: `${name}-key-id`,
  };
}

/** Answers for the data sources SST reads (`aws.getRegion()`, policy documents, ...). */
function mockCall(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (token) {
    case 'aws:index/getRegion:getRegion':
      return { name: REGION, region: REGION, id: REGION };
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/mock`, userId: 'mock', id: ACCOUNT };
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
    case 'aws:iam/getPolicyDocument:getPolicyDocument':
      return { json: JSON.stringify({ Version: '2012-10-17', Statement: inputs.statements ?? [] }) };
    default:
      return inputs;
  }
}

/**
 * SST's components call the CLI over HTTP (`SST_SERVER`): a loopback server in its
 * place builds nothing, records each build request and points at a stub package.
 */
async function startRpcServer(stubPackage: string, builds: SstBuildRequest[]): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const { method, params } = JSON.parse(body) as { method: string; params: [Record<string, unknown>] };
      const [args] = params;
      const reply = (value: object) => res.writeHead(200).end(JSON.stringify(value));
      if (method === 'Runtime.Build') {
        builds.push(args as unknown as SstBuildRequest);
        return reply({ result: { handler: 'bundle.handler', out: stubPackage, errors: [], sourcemaps: [] } });
      }
      if (method === 'Provider.Aws.Bootstrap') {
        return reply({
          result: {
            asset: 'sst-asset-mock',
            assetEcrRegistryId: ACCOUNT,
            assetEcrUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/sst-asset`,
            state: 'sst-state-mock',
            appsyncHttp: '',
            appsyncRealtime: '',
          },
        });
      }
      return reply({ error: `rpc: can't find method ${method}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** The `sst.aws.*` components infra uses, from the platform's own files. */
async function sstNamespace(platform: string) {
  const load = async (file: string) =>
    (await import(pathToFileURL(join(platform, 'src/components', file)).href)) as Record<string, unknown>;
  const [fn, queue, dynamo, bucket, http, ws, cron, topic, secret, linkable] = await Promise.all([
    load('aws/function.ts'),
    load('aws/queue.ts'),
    load('aws/dynamo.ts'),
    load('aws/bucket.ts'),
    load('aws/apigatewayv2.ts'),
    load('aws/apigateway-websocket.ts'),
    load('aws/cron-v2.ts'),
    load('aws/sns-topic.ts'),
    load('secret.ts'),
    load('linkable.ts'),
  ]);
  return {
    Secret: secret.Secret,
    Linkable: linkable.Linkable,
    aws: {
      Function: fn.Function,
      Queue: queue.Queue,
      Dynamo: dynamo.Dynamo,
      Bucket: bucket.Bucket,
      ApiGatewayV2: http.ApiGatewayV2,
      ApiGatewayWebSocket: ws.ApiGatewayWebSocket,
      CronV2: cron.CronV2,
      SnsTopic: topic.SnsTopic,
    },
  };
}

const GLOBALS = ['sst', 'aws', '$app', '$cli', '$dev'] as const;

/**
 * Runs `sst.config.ts` as `sst deploy --stage <stage>` would, with SST's real
 * components (extracted from the pinned CLI) and the real `@pulumi/aws` resources,
 * under Pulumi's mocks: no cloud, no engine. Returns every resource registered and
 * each function's build request. Call once per process (Pulumi's runtime is global).
 */
export async function evaluateWithSst(options: {
  stage: string;
  env?: Record<string, string>;
  /** Secret values, as `sst secret set` would store them; SST fails on a secret without value or placeholder. */
  secrets?: Record<string, string>;
}): Promise<SstEvaluation> {
  const root = repoRoot();
  const platform = sstPlatformDir();
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const work = mkdtempSync(join(root, '.tmp', 'sst-work-'));
  const stubPackage = join(work, 'stub-package');
  mkdirSync(stubPackage);
  writeFileSync(join(stubPackage, 'bundle.mjs'), 'export const handler = async () => ({});\n');
  const builds: SstBuildRequest[] = [];
  const resources: SstResource[] = [];
  const retained = new Map<string, boolean>();
  const server = await startRpcServer(stubPackage, builds);
  const target = globalThis as Record<string, unknown>;
  const sstEnv: Record<string, string> = {
    SST_SERVER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    SST_AWS_REGION: REGION,
    ...Object.fromEntries(Object.entries(options.secrets ?? {}).map(([k, v]) => [`SST_SECRET_${k}`, v])),
  };
  const savedEnv = Object.fromEntries(Object.keys(sstEnv).map((key) => [key, process.env[key]]));
  const cwd = process.cwd();
  // A failed apply (a missing secret, a bad input) surfaces only as an unhandled rejection.
  let fail: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  process.on('unhandledRejection', fail);
  try {
    Object.assign(process.env, sstEnv);
    const pulumi = await import('@pulumi/pulumi');
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          const inputs = (args.inputs ?? {}) as Record<string, unknown>;
          resources.push({
            type: args.type,
            name: args.name,
            custom: args.custom ?? false,
            inputs,
            retainOnDelete: false,
          });
          return { id: `${args.name}-id`, state: args.custom ? mockState(args.type, args.name, inputs) : {} };
        },
        call: (args) => mockCall(args.token, (args.inputs ?? {}) as Record<string, unknown>),
      },
      'paperlane',
      options.stage,
      false,
    );
    target.$cli = {
      command: 'deploy',
      dev: false,
      paths: { root, work, platform, home: work },
      state: { version: {} },
    };
    target.$dev = false;
    // What SST injects into the config's scope: $interpolate, $util, $config, ...
    const shim = (await import(pathToFileURL(join(platform, 'src/shim/run.js')).href)) as Record<
      string,
      unknown
    >;
    for (const [key, value] of Object.entries(shim)) target[key] = value;
    target.aws = await import('@pulumi/aws');
    target.sst = await sstNamespace(platform);
    const config = (await import(pathToFileURL(join(root, 'sst.config.ts')).href)).default as Sst.Config;
    const app = config.app({ stage: options.stage });
    target.$app = { removal: 'retain', protect: false, providers: {}, ...app, stage: options.stage };
    const { run } = (await import(pathToFileURL(join(platform, 'src/auto/run.ts')).href)) as {
      run: (program: () => Promise<Record<string, unknown> | undefined>) => Promise<Record<string, unknown>>;
    };
    const outputs = await Promise.race([
      failed,
      pulumi.runtime.runInPulumiStack(() =>
        run(async () => {
          // Registered after SST's own, so it sees the options those leave.
          pulumi.runtime.registerStackTransformation((args) => {
            retained.set(`${args.type}::${args.name}`, args.opts.retainOnDelete === true);
            return undefined;
          });
          return withDeployEnv(options.env ?? {}, async () => (await config.run()) ?? undefined);
        }),
      ),
    ]);
    // What the Pulumi host awaits before it disconnects: every registration, including
    // those waiting on applies (a function's code waits for its build).
    await Promise.race([
      failed,
      (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(),
    ]);
    for (const resource of resources) {
      resource.retainOnDelete = retained.get(`${resource.type}::${resource.name}`) ?? false;
    }
    const errors = pulumi.log.hasErrors() ? ['Pulumi logged an error; see the output above'] : [];
    return { resources, builds, outputs: (outputs ?? {}) as Record<string, unknown>, errors };
  } finally {
    process.off('unhandledRejection', fail);
    process.chdir(cwd);
    for (const key of GLOBALS) delete target[key];
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await new Promise((resolve) => server.close(resolve));
    rmSync(work, { recursive: true, force: true });
  }
}
