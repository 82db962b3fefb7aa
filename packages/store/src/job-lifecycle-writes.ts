import {
  type AttributeValue,
  PutItemCommand,
  type PutItemCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { convertToAttr, convertToNative, marshall } from '@aws-sdk/util-dynamodb';
import { ConfigError, type JobRecord } from '@paperlane/core';
import { type ConditionalOutcome, conditional } from './conditional';
import type { JobEntity } from './job-entity';
import { byStatusSk, jobKey, sweepKeys } from './keys';
import { lazyCommandClient, N, S, savedNames } from './low-level-write';

/** An attribute of the Job entity's schema: every name below is checked against it. */
type JobAttribute = keyof JobEntity['schema']['attributes'];

/** A pending job's record with its index attributes, as `create` puts it. */
export type NewJobItem = JobRecord & { readonly [attribute: string]: unknown };

export interface ClaimWrite {
  tenantId: string;
  jobId: string;
  nowIso: string;
  leaseUntil: string;
}

export interface CompleteWrite {
  tenantId: string;
  jobId: string;
  attempt: number;
  nowIso: string;
  result?: Record<string, unknown>;
  /** The outbox marker (ISO); absent, the job leaves the sweep index. */
  settleAt?: string;
}

/** As the document client marshals: undefined fields are dropped, not rejected. */
const MARSHALL = { removeUndefinedValues: true } as const;

/**
 * The job lifecycle's three hot writes (create, claim, complete) as low-level DynamoDB
 * commands whose expressions, attribute names and constant values are built once per
 * store; a call only fills in its values. Per job these writes are what every job pays,
 * and the toolbox's per-call builders (item parsing, expression building, formatting)
 * plus the document client's marshalling layer cost about as much CPU as the SDK's
 * own request pipeline. The Job entity stays the source of truth: names are typed
 * against its schema and spelled as it saves them, `job-lifecycle-writes.test.ts`
 * compares each item written here with the one the toolbox's builder writes, and the
 * rarer transitions keep using the builder.
 *
 * @example
 * const writes = createJobLifecycleWrites(createJobEntity(table));
 * const claimed = await writes.claim({ tenantId, jobId, nowIso, leaseUntil });
 */
export function createJobLifecycleWrites(Job: JobEntity) {
  const TableName = Job.table.getName();
  const client = lazyCommandClient(Job.table);
  const attributes = Job.schema.attributes;
  const savedAs: (name: JobAttribute) => string = savedNames(attributes);
  /** `#name` placeholders for the given attributes, mapped to their saved names. */
  const namesOf = (...names: JobAttribute[]): Record<string, string> =>
    Object.fromEntries(names.map((name) => [`#${name}`, savedAs(name)]));

  // What a formatted record keeps: the schema's visible attributes (not keys, index keys or the entity tag).
  const visible = (Object.keys(attributes) as JobAttribute[])
    .filter((name) => !('hidden' in attributes[name].props && attributes[name].props.hidden))
    .map((name) => [name, savedAs(name)] as const);
  const entityTag = { [savedAs('entity')]: S(Job.entityName) };

  const partitionKey = Job.table.partitionKey.name;
  const sortKey = Job.table.sortKey?.name;
  if (!sortKey) throw new ConfigError('the Job table needs a sort key');
  const keyOf = (tenantId: string, jobId: string): Record<string, AttributeValue> => {
    const { pk, sk } = jobKey(tenantId, jobId);
    return { [partitionKey]: S(pk), [sortKey]: S(sk) };
  };

  /**
   * The item a write returned (ALL_NEW) as a `JobRecord`: the visible attributes only.
   * It is the item this very write produced, under a key that carries the tenant, so it
   * is converted, not re-validated.
   */
  function toRecord(item: Record<string, AttributeValue> | undefined): JobRecord | undefined {
    if (!item) return undefined;
    const record: Record<string, unknown> = {};
    for (const [name, saved] of visible) {
      const value = item[saved];
      if (value !== undefined) record[name] = value.S ?? convertToNative(value);
    }
    return record as JobRecord;
  }

  const createCondition = {
    ConditionExpression: 'attribute_not_exists(#jobId)',
    ExpressionAttributeNames: namesOf('jobId'),
  };

  // The condition implies the item exists, so neither its keys nor its entity tag are rewritten.
  const claimUpdate = {
    UpdateExpression:
      'SET #status = :status, #updatedAt = :now, #startedAt = if_not_exists(#startedAt, :now), ' +
      '#leaseUntil = :lease, #readyAt = :lease, #gsi3sk = :gsi3sk, #gsi4pk = :gsi4pk, #gsi4sk = :gsi4sk ' +
      'ADD #attempts :one',
    ConditionExpression: '#readyAt <= :now',
    ExpressionAttributeNames: namesOf(
      'status',
      'updatedAt',
      'startedAt',
      'leaseUntil',
      'readyAt',
      'gsi3sk',
      'gsi4pk',
      'gsi4sk',
      'attempts',
    ),
  };
  const processing = S('processing');
  const one = N(1);

  // One expression per shape of `complete` (with or without a result, with or without an outbox marker).
  const completeNames = namesOf(
    'status',
    'attempts',
    'updatedAt',
    'progress',
    'finishedAt',
    'result',
    'settleAt',
    'settleTries',
    'leaseUntil',
    'readyAt',
    'gsi3sk',
    'gsi4pk',
    'gsi4sk',
  );
  const completeExpression = (withResult: boolean, withSettle: boolean): string =>
    'SET #status = :status, #updatedAt = :now, #gsi3sk = :gsi3sk, #progress = :progress, #finishedAt = :now' +
    (withResult ? ', #result = :result' : '') +
    (withSettle
      ? ', #settleAt = :settleAt, #settleTries = :zero, #gsi4pk = :gsi4pk, #gsi4sk = :gsi4sk'
      : '') +
    ' REMOVE #leaseUntil, #readyAt' +
    (withSettle ? '' : ', #gsi4pk, #gsi4sk');
  // Fencing: only the holder of this attempt may complete the job.
  const fenced = '#status = :processing AND #attempts = :attempt';
  /** ExpressionAttributeNames must name only what the expressions use (DynamoDB refuses unused ones). */
  const namesFor = (expressions: string): Record<string, string> =>
    Object.fromEntries(
      Object.entries(completeNames).filter(([placeholder]) =>
        new RegExp(`${placeholder}\\b`).test(expressions),
      ),
    );
  const completeUpdates = [
    completeExpression(false, false),
    completeExpression(false, true),
    completeExpression(true, false),
    completeExpression(true, true),
  ].map((UpdateExpression) => ({
    UpdateExpression,
    ConditionExpression: fenced,
    ExpressionAttributeNames: namesFor(`${UpdateExpression} ${fenced}`),
  }));
  const complete = S('complete');
  const hundred = N(100);
  const zero = N(0);

  return {
    /** Puts a new job unless one exists under its key; a refusal carries the existing one (ALL_OLD) when the backend sends it. */
    create(item: NewJobItem): Promise<ConditionalOutcome<JobEntity, PutItemCommandOutput>> {
      return conditional(Job, () =>
        client().send(
          new PutItemCommand({
            TableName,
            Item: { ...marshall(item, MARSHALL), ...entityTag, ...keyOf(item.tenantId, item.jobId) },
            ...createCondition,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
    },

    /**
     * The claim's conditional update: the new record (ALL_NEW), or the refusal with the job
     * as it was (ALL_OLD). The lease end is also the sweep time: if the holder dies, the
     * sweeper looks at the job then.
     */
    async claim(input: ClaimWrite): Promise<ConditionalOutcome<JobEntity, JobRecord | undefined>> {
      const { tenantId, jobId, nowIso, leaseUntil } = input;
      const sweep = sweepKeys(leaseUntil, tenantId, jobId);
      const lease = S(leaseUntil);
      const outcome = await conditional(Job, () =>
        client().send(
          new UpdateItemCommand({
            TableName,
            Key: keyOf(tenantId, jobId),
            ...claimUpdate,
            ExpressionAttributeValues: {
              ':status': processing,
              ':now': S(nowIso),
              ':lease': lease,
              ':gsi3sk': S(byStatusSk('processing', nowIso, jobId)),
              ':gsi4pk': S(sweep.gsi4pk),
              ':gsi4sk': S(sweep.gsi4sk),
              ':one': one,
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return outcome.ok ? { ok: true, value: toRecord(outcome.value.Attributes) } : outcome;
    },

    /** The holder's fenced `complete`; `undefined` when the fence refused it. */
    async complete(input: CompleteWrite): Promise<JobRecord | undefined> {
      const { tenantId, jobId, nowIso, result, settleAt } = input;
      const update = completeUpdates[(result !== undefined ? 2 : 0) + (settleAt !== undefined ? 1 : 0)];
      if (!update) throw new Error('no complete expression for this shape');
      const values: Record<string, AttributeValue> = {
        ':status': complete,
        ':processing': processing,
        ':attempt': N(input.attempt),
        ':now': S(nowIso),
        ':gsi3sk': S(byStatusSk('complete', nowIso, jobId)),
        ':progress': hundred,
      };
      if (result !== undefined) values[':result'] = convertToAttr(result, MARSHALL);
      if (settleAt !== undefined) {
        const sweep = sweepKeys(settleAt, tenantId, jobId);
        values[':settleAt'] = S(settleAt);
        values[':zero'] = zero;
        values[':gsi4pk'] = S(sweep.gsi4pk);
        values[':gsi4sk'] = S(sweep.gsi4sk);
      }
      const outcome = await conditional(Job, () =>
        client().send(
          new UpdateItemCommand({
            TableName,
            Key: keyOf(tenantId, jobId),
            ...update,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return outcome.ok ? toRecord(outcome.value.Attributes) : undefined;
    },
  };
}

export type JobLifecycleWrites = ReturnType<typeof createJobLifecycleWrites>;
