import { type RecordedComponent, type Recording, Ref } from '../testing/recorder';

/** A function the app deploys: a `sst.aws.Function`, or function args given inline to a subscriber, route or cron. */
export interface FunctionDef {
  name: string;
  args: Record<string, unknown>;
}

function inline(owner: RecordedComponent, value: unknown): FunctionDef | undefined {
  if (typeof value === 'string' && !value.startsWith('arn:')) {
    return { name: `${owner.name} (inline)`, args: { handler: value } };
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Ref) && 'handler' in value) {
    return { name: `${owner.name} (inline)`, args: value as Record<string, unknown> };
  }
  return undefined;
}

/** The function a subscriber, route or cron invokes, if the app defines it. */
export function targetFunction(
  recording: Recording,
  owner: RecordedComponent,
  value: unknown,
): FunctionDef | undefined {
  const target = recording.resolve(value);
  if (target?.type === 'sst.aws.Function') return { name: target.name, args: target.args };
  return inline(owner, value);
}

/** What invokes a function, per component type: the argument naming it. */
const INVOKERS = {
  'sst.aws.QueueSubscriber': 'subscriber',
  'sst.aws.ApiGatewayV2Route': 'handler',
  'sst.aws.ApiGatewayWebSocketRoute': 'handler',
  'sst.aws.CronV2': 'function',
} as const;

export function functionDefs(recording: Recording): FunctionDef[] {
  const defs: FunctionDef[] = recording
    .ofType('sst.aws.Function')
    .map((c) => ({ name: c.name, args: c.args }));
  for (const [type, key] of Object.entries(INVOKERS) as [keyof typeof INVOKERS, string][]) {
    for (const owner of recording.ofType(type)) {
      const def = inline(owner, owner.args[key]);
      if (def) defs.push(def);
    }
  }
  return defs;
}

/** The args SST ends up with after a component's `transform` (an object is merged, a callback edits). */
export function applyTransform<T extends object>(transform: unknown, base: T): T {
  if (typeof transform === 'function') {
    const args = structuredClone(base);
    (transform as (args: T, opts: unknown, name: string) => void)(args, {}, 'check');
    return args;
  }
  if (typeof transform === 'object' && transform !== null) return { ...base, ...(transform as Partial<T>) };
  return base;
}
