/**
 * The subset of SST v4's global platform API that `sst.config.ts`, `infra/` and
 * `stacks/aws.ts` use, written from `platform/src/components` at v4.17.1.
 *
 * They keep `tsc` fast and are the contract the recording stand-ins in
 * `infra/testing/` implement. `npm run typecheck:sst` checks the same files against
 * SST's real types, and `infra/real-sst.test.ts` runs them with the real components
 * (docs/deploy.md, "Checking infra against SST"). Add a member here only when infra
 * starts using it.
 */

declare global {
  namespace Sst {
    /** A value known only at deploy time (Pulumi's `Output<T>`). */
    interface Output<T> {
      /** Type-only brand: what the value resolves to at deploy time. */
      readonly __output: T | undefined;
    }
    type Input<T> = T | Output<T>;

    type Seconds = `${number} ${'second' | 'seconds'}`;
    type DurationMinutes = `${number} ${'second' | 'seconds' | 'minute' | 'minutes'}`;
    type DurationHours = `${number} ${'second' | 'seconds' | 'minute' | 'minutes' | 'hour' | 'hours'}`;
    type Size = `${number} ${'MB' | 'GB'}`;
    type LogRetention =
      | '1 day'
      | '3 days'
      | '5 days'
      | '1 week'
      | '2 weeks'
      | '1 month'
      | '3 months'
      | '1 year';

    /** An object merged into the underlying resource's args, or a callback that edits them. */
    type Transform<T> = Partial<T> | ((args: T, opts: unknown, name: string) => void);

    /** Anything that can go in `link` (components implementing SST's Linkable). */
    interface Linkable {
      /** Type-only brand. */
      readonly __linkable: true;
    }

    interface AppInput {
      stage: string;
    }
    interface AppConfig {
      name: string;
      home: 'aws' | 'cloudflare' | 'local';
      removal?: 'remove' | 'retain' | 'retain-all';
      protect?: boolean;
      providers?: Record<string, unknown>;
    }
    interface Config {
      app(input: AppInput): AppConfig;
      run(): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;
    }

    interface FunctionArgs {
      handler: string;
      description?: string;
      runtime?: 'nodejs20.x' | 'nodejs22.x' | 'nodejs24.x';
      architecture?: 'x86_64' | 'arm64';
      timeout?: DurationMinutes;
      memory?: Size;
      link?: Linkable[];
      environment?: Record<string, Input<string>>;
      permissions?: FunctionPermission[];
      layers?: Input<string>[];
      logging?: false | { retention?: LogRetention; format?: 'text' | 'json' };
      nodejs?: NodejsArgs;
      /** Files copied into the function's package: `from` relative to the project root, `to` inside the package. */
      copyFiles?: { from: string; to?: string }[];
    }

    /** `FunctionArgs.nodejs`: how SST's builder bundles a Node function. */
    interface NodejsArgs {
      install?: string[] | Record<string, string>;
      format?: 'esm' | 'cjs';
      /** A file exporting a list of esbuild plugins, relative to sst.config.ts. */
      plugins?: string;
      /** Dynamically imported modules go to their own chunks beside the entry. */
      splitting?: boolean;
      /** Documented as defaulting to true, but SST's builder minifies only when it is set. */
      minify?: boolean;
      sourcemap?: boolean;
      banner?: string;
      loader?: Record<string, import('esbuild').Loader>;
      /** SST's `EsbuildOptions`: these esbuild options pass through to the build. */
      esbuild?: Pick<
        import('esbuild').BuildOptions,
        | 'target'
        | 'sourcemap'
        | 'keepNames'
        | 'define'
        | 'banner'
        | 'external'
        | 'inject'
        | 'nodePaths'
        | 'mainFields'
        | 'conditions'
      >;
    }

    /** `FunctionPermissionArgs`: one IAM statement. */
    interface FunctionPermission {
      effect?: 'allow' | 'deny';
      actions: string[];
      resources: Input<string>[];
      conditions?: { test: string; variable: string; values: Input<string>[] }[];
    }

    interface QueueArgs {
      visibilityTimeout?: DurationHours;
      delay?: DurationMinutes;
      fifo?: boolean;
      /** The DLQ's ARN, or the ARN with the receive count before redrive (`retry`, default 3). */
      dlq?: Input<string> | { queue: Input<string>; retry: Input<number> };
      transform?: { queue?: Transform<SqsQueueArgs> };
    }
    /** `aws.sqs.QueueArgs`, the fields infra sets through `transform.queue`. */
    interface SqsQueueArgs {
      messageRetentionSeconds?: number;
      visibilityTimeoutSeconds?: number;
      redrivePolicy?: Input<string>;
    }
    /** `aws.lambda.EventSourceMappingArgs`, the fields infra sets through `transform.eventSourceMapping`. */
    interface EventSourceMappingArgs {
      batchSize?: number;
      maximumBatchingWindowInSeconds?: number;
      functionResponseTypes?: string[];
      scalingConfig?: { maximumConcurrency?: number };
    }
    interface QueueSubscriberArgs {
      batch?: { size?: number; window?: DurationMinutes; partialResponses?: boolean };
      transform?: {
        eventSourceMapping?: Transform<EventSourceMappingArgs>;
        function?: Transform<FunctionArgs>;
      };
    }

    interface KmsKeyArgs {
      description?: string;
      enableKeyRotation?: boolean;
      deletionWindowInDays?: number;
    }

    interface DynamoArgs {
      fields: Record<string, 'string' | 'number' | 'binary'>;
      primaryIndex: { hashKey: string; rangeKey?: string };
      globalIndexes?: Record<
        string,
        { hashKey: string; rangeKey?: string; projection?: 'all' | 'keys-only' | string[] }
      >;
      ttl?: string;
      deletionProtection?: boolean;
    }

    /** Pulumi's resource options, as far as infra sets them; a component passes them to its children. */
    interface ResourceOptions {
      retainOnDelete?: boolean;
    }

    interface CorsArgs {
      allowHeaders?: string[];
      allowOrigins?: string[];
      allowMethods?: string[];
      exposeHeaders?: string[];
      maxAge?: `${number} ${'second' | 'seconds' | 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days'}`;
    }
    interface BucketArgs {
      cors?: false | (CorsArgs & { allowMethods?: ('DELETE' | 'GET' | 'HEAD' | 'POST' | 'PUT')[] });
      versioning?: boolean;
      lifecycle?: { id?: string; prefix?: string; expiresIn?: `${number} ${'day' | 'days'}` }[];
    }

    interface ApiGatewayV2Args {
      cors?: boolean | (CorsArgs & { allowCredentials?: boolean });
      accessLog?: { retention?: LogRetention };
      link?: Linkable[];
    }
    interface ApiGatewayV2RouteArgs {
      auth?: false | { jwt?: { authorizer: Input<string>; scopes?: string[] } };
      name?: string;
    }
    interface ApiGatewayV2AuthorizerArgs {
      name: string;
      jwt?: { issuer: Input<string>; audiences: Input<string>[]; identitySource?: string };
    }
    interface ApiGatewayWebSocketArgs {
      accessLog?: { retention?: LogRetention };
    }
    interface ApiGatewayWebSocketRouteArgs {
      name?: string;
    }

    interface CronV2Args {
      function: Input<string> | FunctionArgs;
      schedule: `rate(${string})` | `cron(${string})`;
      /** Sent to the function as its event (EventBridge Scheduler passes it verbatim). */
      event?: Record<string, unknown>;
      enabled?: boolean;
      retries?: number;
      timezone?: string;
    }

    interface MetricAlarmArgs {
      name?: Input<string>;
      alarmDescription?: string;
      namespace: string;
      metricName: string;
      dimensions: Record<string, Input<string>>;
      statistic: 'Maximum' | 'Average' | 'Sum' | 'Minimum' | 'SampleCount';
      period: number;
      evaluationPeriods: number;
      datapointsToAlarm?: number;
      threshold: number;
      comparisonOperator: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
      treatMissingData?: 'missing' | 'ignore' | 'breaching' | 'notBreaching';
      alarmActions?: Input<string>[];
      okActions?: Input<string>[];
    }

    interface Asset {
      /** Type-only brand. */
      readonly __asset: true;
    }
  }

  const sst: {
    Secret: new (name: string, placeholder?: string) => Sst.Linkable & { readonly value: Sst.Output<string> };
    aws: {
      Function: new (
        name: string,
        args: Sst.FunctionArgs,
      ) => Sst.Linkable & { readonly arn: Sst.Output<string>; readonly name: Sst.Output<string> };
      Queue: new (
        name: string,
        args?: Sst.QueueArgs,
        opts?: Sst.ResourceOptions,
      ) => Sst.Linkable & {
        readonly arn: Sst.Output<string>;
        readonly url: Sst.Output<string>;
        readonly nodes: { queue: { readonly name: Sst.Output<string> } };
        /** SST allows one subscriber per queue; a second call throws. */
        subscribe(subscriber: Sst.Input<string> | Sst.FunctionArgs, args?: Sst.QueueSubscriberArgs): unknown;
      };
      Dynamo: new (
        name: string,
        args: Sst.DynamoArgs,
      ) => Sst.Linkable & { readonly name: Sst.Output<string>; readonly arn: Sst.Output<string> };
      Bucket: new (
        name: string,
        args?: Sst.BucketArgs,
      ) => Sst.Linkable & { readonly name: Sst.Output<string>; readonly arn: Sst.Output<string> };
      ApiGatewayV2: new (
        name: string,
        args?: Sst.ApiGatewayV2Args,
      ) => Sst.Linkable & {
        readonly url: Sst.Output<string>;
        route(
          rawRoute: string,
          handler: Sst.Input<string> | Sst.FunctionArgs,
          args?: Sst.ApiGatewayV2RouteArgs,
        ): unknown;
        addAuthorizer(args: Sst.ApiGatewayV2AuthorizerArgs): { readonly id: Sst.Output<string> };
      };
      ApiGatewayWebSocket: new (
        name: string,
        args?: Sst.ApiGatewayWebSocketArgs,
      ) => Sst.Linkable & {
        readonly url: Sst.Output<string>;
        readonly managementEndpoint: Sst.Output<string>;
        route(
          route: string,
          handler: Sst.Input<string> | Sst.FunctionArgs,
          args?: Sst.ApiGatewayWebSocketRouteArgs,
        ): unknown;
      };
      CronV2: new (name: string, args: Sst.CronV2Args) => unknown;
      SnsTopic: new (name: string) => Sst.Linkable & { readonly arn: Sst.Output<string> };
    };
  };

  /** The Pulumi AWS provider (`@pulumi/aws`), as far as infra uses it. */
  const aws: {
    cloudwatch: {
      MetricAlarm: new (name: string, args: Sst.MetricAlarmArgs) => { readonly arn: Sst.Output<string> };
    };
    sns: {
      TopicSubscription: new (
        name: string,
        args: { topic: Sst.Input<string>; protocol: 'email'; endpoint: string },
      ) => unknown;
    };
    kms: {
      Key: new (
        name: string,
        args: Sst.KmsKeyArgs,
        opts?: Sst.ResourceOptions,
      ) => { readonly arn: Sst.Output<string>; readonly keyId: Sst.Output<string> };
    };
    lambda: {
      LayerVersion: new (
        name: string,
        args: {
          layerName: string;
          description?: string;
          code: Sst.Asset;
          compatibleRuntimes?: string[];
          compatibleArchitectures?: string[];
        },
      ) => { readonly arn: Sst.Output<string> };
    };
  };

  const $app: {
    readonly name: string;
    readonly stage: string;
    readonly removal: 'remove' | 'retain' | 'retain-all';
  };
  const $dev: boolean;
  function $config(config: Sst.Config): Sst.Config;
  function $interpolate(strings: TemplateStringsArray, ...values: unknown[]): Sst.Output<string>;
  const $util: {
    asset: {
      FileAsset: new (path: string) => Sst.Asset;
      AssetArchive: new (assets: Record<string, Sst.Asset>) => Sst.Asset;
    };
  };
}

export {};
