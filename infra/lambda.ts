import { consumerFunctionVariable, QUEUE_NAMES, type QueueName } from '@paperlane/core';
import type { Grant, LambdaSpec } from './needs';
import { installedVersion } from './repo';

/** Every function runs Node 22 (SST v4 defaults to nodejs24.x, so it is set explicitly). */
export const LAMBDA_RUNTIME = 'nodejs22.x' as const;
/**
 * Graviton: about 20% cheaper per GB-second and as fast for this work. Every native
 * dependency ships a linux-arm64 glibc build (sharp's @img/sharp-linux-arm64,
 * @napi-rs/canvas-linux-arm64-gnu) and tesseract.js-core is wasm, so nothing pins
 * x86_64. SST installs `nodejs.install` packages with `--cpu=arm64` (and
 * `--libc=glibc` when sharp is among them), so the right binaries land in the package.
 */
export const LAMBDA_ARCHITECTURE = 'arm64' as const;

/** The esbuild plugins every function is bundled with, relative to sst.config.ts (`nodejs.plugins`). */
export const LAMBDA_PLUGINS = 'infra/bundling/esbuild-plugins.mjs';

/**
 * How a function is bundled: SST's `nodejs` block, the one source `build:lambdas`
 * also reads (`sstBuildOptions` turns it into esbuild options the way SST's builder
 * does), so what it measures is what deploys.
 * - `minify`: SST's builder minifies only when this is set; without it the
 *   deployed packages were about twice the size `build:lambdas` reported.
 * - `sourcemap` stays unset: SST then keeps the maps out of the package (it uploads
 *   them to its bootstrap bucket); `true` would ship them in it.
 * - `plugins` keeps zod's locales and the SDK's browser user-agent parser out.
 * - `splitting` puts what is only `import()`ed (the Google Vision and Textract
 *   clients, tesseract, KMS, SDK credential providers never used on Lambda) in
 *   chunks that load on first use, not at every cold start.
 * - `install`: the natives and file-loading packages it loads, at the tested versions.
 * - `esbuild.external`: packages it reaches only through an import it never takes
 *   (`neverLoads`); SST would otherwise bundle them, as it bundles anything not installed.
 */
export function nodejsArgs(spec: Pick<LambdaSpec, 'external' | 'neverLoads'>): Sst.NodejsArgs {
  const install = Object.fromEntries(spec.external.map((name) => [name, installedVersion(name)]));
  const never = spec.neverLoads ?? [];
  return {
    format: 'esm',
    minify: true,
    plugins: LAMBDA_PLUGINS,
    splitting: true,
    ...(spec.external.length > 0 ? { install } : {}),
    ...(never.length > 0 ? { esbuild: { external: [...never] } } : {}),
  };
}

/**
 * SST's handler format is the file without its extension, then the export:
 * `packages/functions/src/lambda/api.handler`. SST finds the file by trying
 * `.ts`, `.js`, ... after the last dot, so `api.ts.handler` would not resolve.
 */
export function handlerFor(entry: string, exportName = 'handler'): string {
  return `${entry.replace(/\.(?:[cm]?[jt]s|[jt]sx)$/, '')}.${exportName}`;
}

type Fn = InstanceType<typeof sst.aws.Function>;

/** What grants refer to, created once per stage. */
export interface GrantTargets {
  /** The KMS key the secret cipher seals under (`KMS_KEY_ID`). */
  secretKeyArn?: Sst.Input<string>;
  /** Each queue's consumer function, for the consumer switch. */
  consumers?: ReadonlyMap<QueueName, Fn>;
  /** The SES sender (`PAPERLANE_EMAIL_FROM`); unset, `send-email` grants nothing. */
  emailFrom?: string;
}

export interface LambdaOptions {
  timeoutSeconds: number;
  memoryMb: number;
  /** Components by name; the spec's needs are looked up here and linked. */
  linkables: ReadonlyMap<string, Sst.Linkable>;
  environment: Record<string, Sst.Input<string>>;
  logRetention: Sst.LogRetention;
  grantTargets?: GrantTargets;
  tessdataLayer?: Sst.Input<string>;
  description?: string;
}

/** Resolves a spec's needs to components, failing at synth time on a name nothing created. */
export function linksFor(spec: LambdaSpec, linkables: ReadonlyMap<string, Sst.Linkable>): Sst.Linkable[] {
  return spec.needs.map((name) => {
    const found = linkables.get(name);
    if (!found) throw new Error(`${spec.name} needs ${name}, but no component of that name was created`);
    return found;
  });
}

/** Textract's expense analysis, as `textract-ocr.ts` calls it (Textract has no resource-level permissions). */
export const TEXTRACT_ACTIONS = [
  'textract:AnalyzeExpense',
  'textract:StartExpenseAnalysis',
  'textract:GetExpenseAnalysis',
];

function target<T>(value: T | undefined, spec: LambdaSpec, grant: Grant, what: string): T {
  if (value === undefined) throw new Error(`${spec.name} is granted ${grant}, but no ${what} was given`);
  return value;
}

function consumersOf(spec: LambdaSpec, targets: GrantTargets) {
  const consumers = target(targets.consumers, spec, 'consumer-switch', 'consumer functions');
  return QUEUE_NAMES.map((queue) => {
    const fn = consumers.get(queue);
    if (!fn) throw new Error(`${spec.name} may switch ${queue}'s consumer, but it was not created`);
    return [queue, fn] as const;
  });
}

const GRANT_STATEMENTS: Record<Grant, (spec: LambdaSpec, targets: GrantTargets) => Sst.FunctionPermission[]> =
  {
    textract: () => [{ actions: TEXTRACT_ACTIONS, resources: ['*'] }],
    'seal-secrets': (spec, targets) => [
      {
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [target(targets.secretKeyArn, spec, 'seal-secrets', 'secret key')],
      },
    ],
    'open-secrets': (spec, targets) => [
      {
        actions: ['kms:Decrypt'],
        resources: [target(targets.secretKeyArn, spec, 'open-secrets', 'secret key')],
      },
    ],
    // SES identities are per address or domain; the condition pins the one sender instead.
    'send-email': (_spec, targets) =>
      targets.emailFrom
        ? [
            {
              actions: ['ses:SendEmail'],
              resources: ['*'],
              conditions: [
                { test: 'StringEquals', variable: 'ses:FromAddress', values: [targets.emailFrom] },
              ],
            },
          ]
        : [],
    'consumer-switch': (spec, targets) => [
      // Listing has no resource-level permissions.
      { actions: ['lambda:ListEventSourceMappings'], resources: ['*'] },
      {
        actions: ['lambda:UpdateEventSourceMapping'],
        resources: ['*'],
        // Mapping ARNs are unknown until deployed; scope by the function they feed.
        conditions: [
          {
            test: 'ArnLike',
            variable: 'lambda:FunctionArn',
            values: consumersOf(spec, targets).map(([, fn]) => fn.arn),
          },
        ],
      },
    ],
  };

/** The IAM statements a spec's grants render to. */
export function grantPermissions(spec: LambdaSpec, targets: GrantTargets = {}): Sst.FunctionPermission[] {
  return spec.grants.flatMap((grant) => GRANT_STATEMENTS[grant](spec, targets));
}

/** The environment a spec's grants need: the key id for the cipher, the consumer names for the switch. */
export function grantEnvironment(
  spec: LambdaSpec,
  targets: GrantTargets = {},
): Record<string, Sst.Input<string>> {
  const env: Record<string, Sst.Input<string>> = {};
  if (spec.grants.includes('seal-secrets') || spec.grants.includes('open-secrets')) {
    env.KMS_KEY_ID = target(targets.secretKeyArn, spec, 'seal-secrets', 'secret key');
  }
  if (spec.grants.includes('consumer-switch')) {
    for (const [queue, fn] of consumersOf(spec, targets)) env[consumerFunctionVariable(queue)] = fn.name;
  }
  if (spec.grants.includes('send-email') && targets.emailFrom) {
    env.EMAIL_TRANSPORT = 'ses';
    env.EMAIL_FROM = targets.emailFrom;
  }
  return env;
}

/** The arguments every Paperlane function shares, from its spec. */
export function lambdaArgs(spec: LambdaSpec, options: LambdaOptions): Sst.FunctionArgs {
  const tessdata = spec.tessdata && options.tessdataLayer !== undefined;
  const permissions = grantPermissions(spec, options.grantTargets);
  return {
    handler: handlerFor(spec.entry),
    ...(options.description ? { description: options.description } : {}),
    runtime: LAMBDA_RUNTIME,
    architecture: LAMBDA_ARCHITECTURE,
    timeout: `${options.timeoutSeconds} seconds`,
    memory: `${options.memoryMb} MB`,
    link: linksFor(spec, options.linkables),
    ...(permissions.length > 0 ? { permissions } : {}),
    environment: { ...options.environment, ...grantEnvironment(spec, options.grantTargets) },
    logging: { retention: options.logRetention },
    nodejs: nodejsArgs(spec),
    // The language data resolves as `@tesseract.js-data/<lang>` through Lambda's NODE_PATH.
    ...(tessdata ? { layers: [options.tessdataLayer as Sst.Input<string>] } : {}),
  };
}
