import { join, relative } from 'node:path';
import { handlerFor, LAMBDA_RUNTIME } from '../lambda';
import { allLambdaSpecs } from '../needs';
import { Recording } from '../testing/recorder';
import { durationSeconds } from './durations';
import { functionDefs, targetFunction } from './functions';
import { SST_DEFAULTS } from './queue-rules';
import { exportsName, resolveHandler, resourceReferences } from './source-scan';
import type { Rule, Violation } from './types';

/** Where entry points live; `Resource` is read only there. */
export const FUNCTIONS_SOURCE = 'packages/functions/src';

/** Every handler names a file that exists and exports the named function. */
export const handlers: Rule = ({ recording, root }) => {
  const out: Violation[] = [];
  for (const fn of functionDefs(recording)) {
    const handler = fn.args.handler;
    if (typeof handler !== 'string') {
      out.push({ rule: 'handler', component: fn.name, message: 'has no handler path' });
      continue;
    }
    const { file, exportName } = resolveHandler(root, handler);
    if (!file) {
      out.push({
        rule: 'handler',
        component: fn.name,
        message: `handler ${handler}: no file ${handler.replace(/\.[^./]+$/, '')}.{ts,js,mjs,...}`,
      });
    } else if (!exportName || !exportsName(file, exportName)) {
      out.push({
        rule: 'handler',
        component: fn.name,
        message: `handler ${handler}: ${relative(root, file)} does not export \`${exportName || 'handler'}\``,
      });
    }
  }
  return out;
};

/** Every function runs the runtime Paperlane is built and tested for. */
export const runtimes: Rule = ({ recording }) =>
  functionDefs(recording)
    .filter((fn) => fn.args.runtime !== LAMBDA_RUNTIME)
    .map((fn) => ({
      rule: 'runtime' as const,
      component: fn.name,
      message: `runs ${fn.args.runtime === undefined ? "SST's default runtime (nodejs24.x in v4)" : String(fn.args.runtime)}; set runtime: "${LAMBDA_RUNTIME}"`,
    }));

/**
 * Every function links exactly what `infra/needs.ts` says it uses (a link is also
 * its IAM grant), and at least every `Resource.<Name>` its source reads.
 */
export const links: Rule = ({ recording, root }) => {
  const out: Violation[] = [];
  const specs = allLambdaSpecs();
  const push = (component: string, message: string) => out.push({ rule: 'links', component, message });
  for (const fn of functionDefs(recording)) {
    const linked = new Set<string>();
    for (const item of (fn.args.link as unknown[] | undefined) ?? []) {
      const component = Recording.recordOf(item);
      if (component) linked.add(component.name);
      else push(fn.name, `links ${String(item)}, which is not a component of this app`);
    }
    const spec = specs.find((s) => handlerFor(s.entry) === fn.args.handler);
    if (!spec) {
      push(
        fn.name,
        `handler ${String(fn.args.handler)} has no entry in infra/needs.ts, so what it may link is unknown`,
      );
      continue;
    }
    for (const name of spec.needs)
      if (!linked.has(name)) push(fn.name, `uses ${name} (infra/needs.ts) but does not link it`);
    for (const name of linked) {
      if (!spec.needs.includes(name))
        push(fn.name, `links ${name}, which infra/needs.ts does not list; link only what it uses`);
    }
    const { file } = resolveHandler(root, String(fn.args.handler));
    if (!file) continue;
    for (const name of resourceReferences(file, join(root, FUNCTIONS_SOURCE))) {
      if (!linked.has(name)) push(fn.name, `reads Resource.${name} in its source but does not link it`);
    }
  }
  // SST grants receive/delete/visibility only to subscribers it creates itself; one
  // subscribed by ARN gets them through its link, or its event source fails to create.
  for (const subscriber of recording.ofType('sst.aws.QueueSubscriber')) {
    const target = recording.resolve(subscriber.args.subscriber);
    if (target?.type !== 'sst.aws.Function') continue;
    const linked = ((target.args.link as unknown[] | undefined) ?? []).map(
      (l) => Recording.recordOf(l)?.name,
    );
    const queue = String(subscriber.args.queue);
    if (!linked.includes(queue)) {
      push(target.name, `consumes ${queue} but does not link it, so it may not receive from it`);
    }
  }
  return out;
};

/** API Gateway gives up on an integration after 30 s (HTTP API) or 29 s (WebSocket). */
export const GATEWAY_TIMEOUT_SECONDS = {
  'sst.aws.ApiGatewayV2Route': 30,
  'sst.aws.ApiGatewayWebSocketRoute': 29,
} as const;

/** A function behind an API Gateway route stops before the gateway gives up on it. */
export const gatewayTimeouts: Rule = ({ recording }) => {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const [type, limit] of Object.entries(GATEWAY_TIMEOUT_SECONDS) as [
    keyof typeof GATEWAY_TIMEOUT_SECONDS,
    number,
  ][]) {
    for (const route of recording.ofType(type)) {
      const fn = targetFunction(recording, route, route.args.handler);
      if (!fn || seen.has(`${type} ${fn.name}`)) continue;
      seen.add(`${type} ${fn.name}`);
      const timeout = durationSeconds(fn.args.timeout) ?? SST_DEFAULTS.functionTimeoutSeconds;
      if (timeout >= limit) {
        out.push({
          rule: 'gateway-timeout',
          component: fn.name,
          message: `timeout ${timeout} s is not below API Gateway's ${limit} s; the client would get a 504 while it still runs`,
        });
      }
    }
  }
  return out;
};

export const functionRules: Rule[] = [handlers, runtimes, links, gatewayTimeouts];
