/**
 * Stand-ins for SST's platform globals (`sst.aws.*`, `sst.Secret`, `aws.*`, `$app`,
 * `$interpolate`, `$util`) that create nothing and record every component with the
 * arguments it was given. Deploy-time values (an ARN, a URL) are {@link Ref}s naming
 * the component they come from, so rules can follow `dlq: dlq.arn` or
 * `subscribe(fn.arn)` back to the component.
 */

export type ComponentType =
  | 'sst.Secret'
  | 'sst.aws.Function'
  | 'sst.aws.Queue'
  | 'sst.aws.QueueSubscriber'
  | 'sst.aws.Dynamo'
  | 'sst.aws.Bucket'
  | 'sst.aws.ApiGatewayV2'
  | 'sst.aws.ApiGatewayV2Route'
  | 'sst.aws.ApiGatewayV2Authorizer'
  | 'sst.aws.ApiGatewayWebSocket'
  | 'sst.aws.ApiGatewayWebSocketRoute'
  | 'sst.aws.CronV2'
  | 'sst.aws.SnsTopic'
  | 'aws.cloudwatch.MetricAlarm'
  | 'aws.sns.TopicSubscription'
  | 'aws.kms.Key'
  | 'aws.lambda.LayerVersion';

export interface RecordedComponent {
  type: ComponentType;
  name: string;
  /** The arguments as passed; rules may read, and tests may break, them. */
  args: Record<string, unknown>;
  /** Resource options, when given (`retainOnDelete`). */
  opts?: Sst.ResourceOptions;
}

/** A deploy-time attribute of a recorded component (`queue.arn`, `fn.arn`, `api.url`). */
export class Ref implements Sst.Output<string> {
  declare readonly __output: string | undefined;
  constructor(
    readonly type: ComponentType,
    readonly component: string,
    readonly attribute: string,
  ) {}
  toString(): string {
    return `<${this.component}.${this.attribute}>`;
  }
  /** The ref a component's attribute would give, to compare against. */
  static of(component: RecordedComponent, attribute: string): Ref {
    return new Ref(component.type, component.name, attribute);
  }
}

/** A `$interpolate` result: the literal parts with the refs in between. */
export class Interpolated implements Sst.Output<string> {
  declare readonly __output: string | undefined;
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
  toString(): string {
    return this.strings.reduce(
      (out, s, i) => out + s + (i < this.values.length ? String(this.values[i]) : ''),
      '',
    );
  }
}

/** An `$util.asset` value. */
export class RecordedAsset implements Sst.Asset {
  declare readonly __asset: true;
  constructor(
    readonly kind: 'FileAsset' | 'AssetArchive',
    readonly value: string | Record<string, Sst.Asset>,
  ) {}
}

const RECORD = Symbol('recorded component');

/** Everything one evaluation of the SST app created. */
export class Recording {
  readonly components: RecordedComponent[] = [];
  app?: Sst.AppConfig;
  outputs?: Record<string, unknown>;

  constructor(readonly stage: string) {}

  add(
    type: ComponentType,
    name: string,
    args: Record<string, unknown>,
    opts?: Sst.ResourceOptions,
  ): RecordedComponent {
    // Pulumi refuses two resources of one type with one name (a duplicate URN).
    if (this.components.some((c) => c.type === type && c.name === name)) {
      throw new Error(`duplicate ${type} "${name}": SST would fail with a duplicate URN`);
    }
    const component: RecordedComponent = { type, name, args, ...(opts ? { opts } : {}) };
    this.components.push(component);
    return component;
  }

  ofType(type: ComponentType): RecordedComponent[] {
    return this.components.filter((c) => c.type === type);
  }

  find(type: ComponentType, name: string): RecordedComponent | undefined {
    return this.components.find((c) => c.type === type && c.name === name);
  }

  /** The component a ref points at. */
  resolve(ref: unknown): RecordedComponent | undefined {
    return ref instanceof Ref ? this.find(ref.type, ref.component) : undefined;
  }

  /** The component a stand-in instance (e.g. an entry of `link`) records. */
  static recordOf(instance: unknown): RecordedComponent | undefined {
    return typeof instance === 'object' && instance !== null
      ? (instance as { [RECORD]?: RecordedComponent })[RECORD]
      : undefined;
  }
}

function tag<T extends object>(instance: T, component: RecordedComponent): T {
  Object.defineProperty(instance, RECORD, { value: component, enumerable: false });
  return instance;
}

function argsOf(value: object | undefined): Record<string, unknown> {
  return (value ?? {}) as Record<string, unknown>;
}

/** SST's platform globals, as declared in infra/sst-platform.d.ts. */
export interface SstGlobals {
  sst: typeof sst;
  aws: typeof aws;
  $app: typeof $app;
  $dev: typeof $dev;
  $config: typeof $config;
  $interpolate: typeof $interpolate;
  $util: typeof $util;
}

/** The globals an SST config sees, recording into `recording`. */
export function createStandIns(
  recording: Recording,
  app: { name: string; stage: string; removal?: Sst.AppConfig['removal'] },
) {
  const ref = (type: ComponentType, name: string, attribute: string) => new Ref(type, name, attribute);
  const record = (type: ComponentType, name: string, args: object | undefined, opts?: Sst.ResourceOptions) =>
    recording.add(type, name, argsOf(args), opts);

  class Secret implements Sst.Linkable {
    declare readonly __linkable: true;
    readonly value: Ref;
    constructor(name: string, placeholder?: string) {
      tag(this, record('sst.Secret', name, placeholder === undefined ? {} : { placeholder }));
      this.value = ref('sst.Secret', name, 'value');
    }
  }

  class LambdaFunction implements Sst.Linkable {
    declare readonly __linkable: true;
    readonly arn: Ref;
    readonly name: Ref;
    constructor(name: string, args: Sst.FunctionArgs) {
      tag(this, record('sst.aws.Function', name, args));
      this.arn = ref('sst.aws.Function', name, 'arn');
      this.name = ref('sst.aws.Function', name, 'name');
    }
  }

  class Queue implements Sst.Linkable {
    declare readonly __linkable: true;
    readonly arn: Ref;
    readonly url: Ref;
    readonly nodes: { queue: { name: Ref } };
    #subscribed = false;
    constructor(
      readonly componentName: string,
      args?: Sst.QueueArgs,
      opts?: Sst.ResourceOptions,
    ) {
      tag(this, record('sst.aws.Queue', componentName, args, opts));
      this.arn = ref('sst.aws.Queue', componentName, 'arn');
      this.url = ref('sst.aws.Queue', componentName, 'url');
      this.nodes = { queue: { name: ref('sst.aws.Queue', componentName, 'queueName') } };
    }
    subscribe(subscriber: Sst.Input<string> | Sst.FunctionArgs, args?: Sst.QueueSubscriberArgs) {
      // As in SST: an SQS queue has one subscriber.
      if (this.#subscribed) {
        throw new Error(`Cannot subscribe to the "${this.componentName}" queue multiple times.`);
      }
      this.#subscribed = true;
      return record('sst.aws.QueueSubscriber', `${this.componentName}Subscriber`, {
        queue: this.componentName,
        subscriber,
        ...argsOf(args),
      });
    }
  }

  class Dynamo implements Sst.Linkable {
    declare readonly __linkable: true;
    readonly name: Ref;
    readonly arn: Ref;
    constructor(name: string, args: Sst.DynamoArgs) {
      tag(this, record('sst.aws.Dynamo', name, args));
      this.name = ref('sst.aws.Dynamo', name, 'name');
      this.arn = ref('sst.aws.Dynamo', name, 'arn');
    }
  }

  class Bucket implements Sst.Linkable {
    declare readonly __linkable: true;
    readonly name: Ref;
    readonly arn: Ref;
    constructor(name: string, args?: Sst.BucketArgs) {
      tag(this, record('sst.aws.Bucket', name, args));
      this.name = ref('sst.aws.Bucket', name, 'name');
      this.arn = ref('sst.aws.Bucket', name, 'arn');
    }
  }

  class ApiGatewayV2 implements Sst.Linkable {
    declare readonly __linkable: true;
    readonly url: Ref;
    constructor(
      readonly componentName: string,
      args?: Sst.ApiGatewayV2Args,
    ) {
      tag(this, record('sst.aws.ApiGatewayV2', componentName, args));
      this.url = ref('sst.aws.ApiGatewayV2', componentName, 'url');
    }
    route(rawRoute: string, handler: Sst.Input<string> | Sst.FunctionArgs, args?: Sst.ApiGatewayV2RouteArgs) {
      return record('sst.aws.ApiGatewayV2Route', `${this.componentName} ${rawRoute}`, {
        api: this.componentName,
        route: rawRoute,
        handler,
        ...argsOf(args),
      });
    }
    addAuthorizer(args: Sst.ApiGatewayV2AuthorizerArgs) {
      const name = `${this.componentName}Authorizer${args.name}`;
      record('sst.aws.ApiGatewayV2Authorizer', name, { api: this.componentName, ...args });
      return { id: ref('sst.aws.ApiGatewayV2Authorizer', name, 'id') };
    }
  }

  class ApiGatewayWebSocket implements Sst.Linkable {
    declare readonly __linkable: true;
    readonly url: Ref;
    readonly managementEndpoint: Ref;
    constructor(
      readonly componentName: string,
      args?: Sst.ApiGatewayWebSocketArgs,
    ) {
      tag(this, record('sst.aws.ApiGatewayWebSocket', componentName, args));
      this.url = ref('sst.aws.ApiGatewayWebSocket', componentName, 'url');
      this.managementEndpoint = ref('sst.aws.ApiGatewayWebSocket', componentName, 'managementEndpoint');
    }
    route(
      route: string,
      handler: Sst.Input<string> | Sst.FunctionArgs,
      args?: Sst.ApiGatewayWebSocketRouteArgs,
    ) {
      return record('sst.aws.ApiGatewayWebSocketRoute', `${this.componentName} ${route}`, {
        api: this.componentName,
        route,
        handler,
        ...argsOf(args),
      });
    }
  }

  class CronV2 {
    constructor(name: string, args: Sst.CronV2Args) {
      tag(this, record('sst.aws.CronV2', name, args));
    }
  }

  class SnsTopic implements Sst.Linkable {
    declare readonly __linkable: true;
    readonly arn: Ref;
    constructor(name: string) {
      tag(this, record('sst.aws.SnsTopic', name, {}));
      this.arn = ref('sst.aws.SnsTopic', name, 'arn');
    }
  }

  class MetricAlarm {
    readonly arn: Ref;
    constructor(name: string, args: Sst.MetricAlarmArgs) {
      tag(this, record('aws.cloudwatch.MetricAlarm', name, args));
      this.arn = ref('aws.cloudwatch.MetricAlarm', name, 'arn');
    }
  }

  class TopicSubscription {
    constructor(name: string, args: object) {
      tag(this, record('aws.sns.TopicSubscription', name, args));
    }
  }

  class KmsKey {
    readonly arn: Ref;
    readonly keyId: Ref;
    constructor(name: string, args: Sst.KmsKeyArgs, opts?: Sst.ResourceOptions) {
      tag(this, record('aws.kms.Key', name, args, opts));
      this.arn = ref('aws.kms.Key', name, 'arn');
      this.keyId = ref('aws.kms.Key', name, 'keyId');
    }
  }

  class LayerVersion {
    readonly arn: Ref;
    constructor(name: string, args: object) {
      tag(this, record('aws.lambda.LayerVersion', name, args));
      this.arn = ref('aws.lambda.LayerVersion', name, 'arn');
    }
  }

  const globals = {
    sst: {
      Secret,
      aws: {
        Function: LambdaFunction,
        Queue,
        Dynamo,
        Bucket,
        ApiGatewayV2,
        ApiGatewayWebSocket,
        CronV2,
        SnsTopic,
      },
    },
    aws: {
      cloudwatch: { MetricAlarm },
      sns: { TopicSubscription },
      kms: { Key: KmsKey },
      lambda: { LayerVersion },
    },
    // SST's default removal is `retain`.
    $app: { name: app.name, stage: app.stage, removal: app.removal ?? 'retain' },
    $dev: false,
    $config: (config: Sst.Config) => config,
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) =>
      new Interpolated([...strings], values),
    $util: {
      asset: {
        FileAsset: class extends RecordedAsset {
          constructor(path: string) {
            super('FileAsset', path);
          }
        },
        AssetArchive: class extends RecordedAsset {
          constructor(assets: Record<string, Sst.Asset>) {
            super('AssetArchive', assets);
          }
        },
      },
    },
  } satisfies SstGlobals;
  return globals;
}

export type StandIns = ReturnType<typeof createStandIns>;

/** Puts the stand-ins on `globalThis`; returns a function that puts back what was there. */
export function installStandIns(standIns: StandIns): () => void {
  const target = globalThis as Record<string, unknown>;
  const previous = new Map<string, PropertyDescriptor | undefined>();
  for (const [key, value] of Object.entries(standIns)) {
    previous.set(key, Object.getOwnPropertyDescriptor(target, key));
    Object.defineProperty(target, key, { value, configurable: true, writable: true });
  }
  return () => {
    for (const [key, descriptor] of previous) {
      if (descriptor) Object.defineProperty(target, key, descriptor);
      else delete target[key];
    }
  };
}
