import { consumerFunctionVariable, QUEUE_NAMES, sstNames } from '@paperlane/core';
import { handlerFor, TEXTRACT_ACTIONS } from '../lambda';
import { infraNames } from '../names';
import { allLambdaSpecs, type Grant, type LambdaSpec } from '../needs';
import { type RecordedComponent, type Recording, Ref } from '../testing/recorder';
import { type FunctionDef, functionDefs } from './functions';
import type { Rule, Violation } from './types';

type Statement = Sst.FunctionPermission;

/**
 * Actions that take no resource-level permissions, so `"*"` is their only resource.
 * UpdateEventSourceMapping is scoped by a `lambda:FunctionArn` condition instead.
 */
const UNSCOPED_ACTIONS = new Set([...TEXTRACT_ACTIONS, 'lambda:ListEventSourceMappings']);

const sameRef = (a: unknown, b: unknown) =>
  a instanceof Ref && b instanceof Ref && a.component === b.component && a.attribute === b.attribute;

function statementsOf(fn: FunctionDef): Statement[] {
  return (fn.args.permissions as Statement[] | undefined) ?? [];
}

function specOf(fn: FunctionDef): LambdaSpec | undefined {
  return allLambdaSpecs().find((s) => handlerFor(s.entry) === fn.args.handler);
}

const grants = (fn: FunctionDef, statement: (s: Statement) => boolean) => statementsOf(fn).filter(statement);
const allows = (action: string) => (s: Statement) => s.effect !== 'deny' && s.actions.includes(action);

/** No statement grants a wildcard action; `"*"` resources only where IAM offers nothing narrower. */
function wildcards(fn: FunctionDef, push: (message: string) => void) {
  for (const statement of statementsOf(fn)) {
    for (const action of statement.actions) {
      if (action === '*' || action.endsWith(':*')) {
        push(`grants ${action}; name the actions it calls`);
      }
    }
    const open = statement.resources.some((r) => r === '*');
    const unscoped = statement.actions.filter((a) => !UNSCOPED_ACTIONS.has(a));
    const conditioned = (statement.conditions ?? []).length > 0;
    if (open && unscoped.length > 0 && !conditioned) {
      push(`grants ${unscoped.join(', ')} on every resource ("*"); scope it to the resources it uses`);
    }
  }
}

/** KMS: exactly the stage key, GenerateDataKey only where secrets are sealed, and the key id in the environment. */
function secretAccess(
  fn: FunctionDef,
  spec: LambdaSpec,
  key: RecordedComponent | undefined,
  push: (message: string) => void,
) {
  const seals = spec.grants.includes('seal-secrets');
  const opens = seals || spec.grants.includes('open-secrets');
  const kms = grants(fn, (s) => s.actions.some((a) => a.startsWith('kms:')));
  const environment = (fn.args.environment as Record<string, unknown> | undefined) ?? {};
  if (!opens) {
    if (kms.length > 0) push('may use KMS, but infra/needs.ts grants it no secrets; drop the statement');
    if ('KMS_KEY_ID' in environment) push('has KMS_KEY_ID, but infra/needs.ts grants it no secrets');
    return;
  }
  if (!key) {
    push(`seals or opens secrets, but the app has no KMS key ${infraNames.secretKey}`);
    return;
  }
  const onKey = (s: Statement) =>
    s.resources.length > 0 && s.resources.every((r) => sameRef(r, Ref.of(key, 'arn')));
  if (!grants(fn, allows('kms:Decrypt')).some(onKey)) {
    push(`cannot open secrets: no kms:Decrypt on ${key.name}'s ARN`);
  }
  const generates = grants(fn, allows('kms:GenerateDataKey'));
  if (seals && !generates.some(onKey))
    push(`cannot seal secrets: no kms:GenerateDataKey on ${key.name}'s ARN`);
  if (!seals && generates.length > 0) push('may seal secrets (kms:GenerateDataKey), but only opens them');
  for (const statement of kms) {
    if (!onKey(statement))
      push(`uses KMS on something other than ${key.name}: ${statement.resources.map(String).join(', ')}`);
  }
  if (!sameRef(environment.KMS_KEY_ID, Ref.of(key, 'arn'))) {
    push(
      `KMS_KEY_ID is ${String(environment.KMS_KEY_ID ?? 'unset')}, not ${key.name}'s ARN: its cipher could not seal or open`,
    );
  }
}

/** Pause on AWS: list every mapping, update those of the consumers only, and know each consumer's name. */
function consumerSwitch(fn: FunctionDef, spec: LambdaSpec, recording: Recording, push: (m: string) => void) {
  const updates = grants(fn, allows('lambda:UpdateEventSourceMapping'));
  const environment = (fn.args.environment as Record<string, unknown> | undefined) ?? {};
  if (!spec.grants.includes('consumer-switch')) {
    if (updates.length > 0)
      push('may update event source mappings, but infra/needs.ts grants no consumer-switch');
    return;
  }
  if (grants(fn, allows('lambda:ListEventSourceMappings')).length === 0) {
    push("cannot find the consumers' event sources: no lambda:ListEventSourceMappings");
  }
  const scoped = updates.flatMap((s) =>
    (s.conditions ?? []).filter((c) => c.test === 'ArnLike' && c.variable === 'lambda:FunctionArn'),
  );
  if (updates.length === 0) push('cannot pause queues: no lambda:UpdateEventSourceMapping');
  else if (scoped.length !== updates.length) {
    push(
      'may update the event source mappings of any function; condition lambda:FunctionArn on the consumers',
    );
  }
  for (const queue of QUEUE_NAMES) {
    const consumer = recording.find('sst.aws.Function', sstNames.consumer(queue));
    if (!consumer) continue;
    if (
      updates.length > 0 &&
      !scoped.some((c) => c.values.some((v) => sameRef(v, Ref.of(consumer, 'arn'))))
    ) {
      push(
        `cannot pause ${queue}: ${consumer.name} is not among the functions whose event sources it may update`,
      );
    }
    const variable = consumerFunctionVariable(queue);
    if (!sameRef(environment[variable], Ref.of(consumer, 'name'))) {
      push(
        `${variable} is ${String(environment[variable] ?? 'unset')}, not ${consumer.name}'s name: pausing ${queue} would fail`,
      );
    }
  }
}

const GRANT_CHECKS: Record<
  Exclude<Grant, 'seal-secrets' | 'open-secrets' | 'consumer-switch' | 'send-email'>,
  string[]
> = {
  textract: TEXTRACT_ACTIONS,
};

/**
 * Every function may do what its spec grants and nothing more: Textract for OCR,
 * the stage's KMS key for secrets (with `KMS_KEY_ID`), the consumers' event
 * sources for pause (with their names); no wildcard actions, and `"*"` resources
 * only where IAM has nothing narrower.
 */
export const permissions: Rule = ({ recording }) => {
  const out: Violation[] = [];
  const key = recording.find('aws.kms.Key', infraNames.secretKey);
  if (key && (key.args as Sst.KmsKeyArgs).enableKeyRotation !== true) {
    out.push({
      rule: 'permissions',
      component: key.name,
      message: 'does not rotate (enableKeyRotation: true)',
    });
  }
  for (const fn of functionDefs(recording)) {
    const push = (message: string) => out.push({ rule: 'permissions', component: fn.name, message });
    wildcards(fn, push);
    const spec = specOf(fn);
    if (!spec) continue;
    for (const [grant, actions] of Object.entries(GRANT_CHECKS)) {
      const has = actions.every((action) => grants(fn, allows(action)).length > 0);
      const any = actions.some((action) => grants(fn, allows(action)).length > 0);
      if (spec.grants.includes(grant as Grant) && !has) {
        push(`cannot call ${actions.filter((a) => grants(fn, allows(a)).length === 0).join(', ')}`);
      }
      if (!spec.grants.includes(grant as Grant) && any)
        push(`may call ${grant}, which infra/needs.ts does not grant it`);
    }
    // send-email renders only when a sender is configured: checked one way.
    if (!spec.grants.includes('send-email') && grants(fn, allows('ses:SendEmail')).length > 0) {
      push('may send email, which infra/needs.ts does not grant it');
    }
    secretAccess(fn, spec, key, push);
    consumerSwitch(fn, spec, recording, push);
  }
  return out;
};
