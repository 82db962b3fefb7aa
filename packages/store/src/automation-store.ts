import type { Page, PageRequest } from '@paperlane/core';
import { ValidationError } from '@paperlane/core';
import {
  $add,
  $remove,
  $set,
  any,
  boolean,
  DeleteItemCommand,
  Entity,
  EntityFormatter,
  GetItemCommand,
  item,
  number,
  PutItemCommand,
  QueryCommand,
  string,
  UpdateItemCommand,
} from 'dynamodb-toolbox';
import {
  type AutomationRecord,
  type AutomationResult,
  type AutomationSettings,
  automationRecordSchema,
  automationResultSchema,
  automationSettingsSchema,
  type NewAutomation,
  newAutomationSchema,
} from './automation';
import {
  AUTOMATION_OWNER_PREFIX,
  automationDueKeys,
  automationDuePk,
  automationKey,
  automationOwnerSk,
  automationsPk,
  dueUpperBound,
  ownerPrefix,
} from './automation-keys';
import { conditional } from './conditional';
import { SWEEP_SHARDS } from './keys';
import { listOwned } from './query-page';
import { ENTITY_ATTRIBUTE, INDEXES, type PaperlaneTable } from './table';
import { parseId, parseInput, toIso } from './validate';

export const AUTOMATION_ENTITY = 'Automation';
/** The tick works in rounds; one round reads at most this many due automations. */
export const MAX_DUE_AUTOMATIONS = 500;

export interface AutomationRef {
  tenantId: string;
  automationId: string;
}

/** Automations, tenant-scoped on every call except the tick's cross-tenant `listDue`. */
export interface AutomationStore {
  /** Idempotent on `automationId`: a second create returns the existing record with `created: false`. */
  create(input: NewAutomation): Promise<{ created: boolean; automation: AutomationRecord }>;
  get(ref: AutomationRef): Promise<AutomationRecord | undefined>;
  /** The tenant's automations (one user's with `tenantUserId`), grouped by owner then id (creation order). */
  list(tenantId: string, options?: PageRequest & { tenantUserId?: string }): Promise<Page<AutomationRecord>>;
  /**
   * Replaces the user-set fields, only if the record is still at `expectRevision`;
   * `undefined` when it is gone or changed since it was read.
   */
  update(
    input: AutomationRef & AutomationSettings & { expectRevision: number; now: Date },
  ): Promise<AutomationRecord | undefined>;
  /** `true` when an automation was deleted. */
  delete(ref: AutomationRef): Promise<boolean>;
  /**
   * Enabled automations whose `nextRunAt <= now`, across tenants, oldest first. Read
   * from an eventually consistent index: re-read an item before acting on it.
   */
  listDue(now: Date, limit: number): Promise<AutomationRecord[]>;
  /**
   * Moves `nextRunAt` from `expectNextRunAt` to `nextRunAt` (`undefined`: no more runs),
   * only if it is still `expectNextRunAt` and the automation is enabled. The tick's claim.
   */
  advance(input: AutomationRef & { expectNextRunAt: string; nextRunAt: Date | undefined }): Promise<boolean>;
  /**
   * Records a run, unless a run at or after `runAt` is already recorded (a retried or
   * late duplicate); `undefined` then, or when the automation is gone.
   */
  recordRun(
    input: AutomationRef & { runAt: Date; result: AutomationResult },
  ): Promise<AutomationRecord | undefined>;
}

function createAutomationEntity(table: PaperlaneTable) {
  return new Entity({
    name: AUTOMATION_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      automationId: string().key(),
      tenantUserId: string(),
      name: string(),
      schedule: string(),
      timezone: string(),
      // Parsed with zod on the way out; untyped here so updates can `$set` the whole value.
      action: any(),
      enabled: boolean(),
      nextRunAt: string().optional(),
      lastRunAt: string().optional(),
      lastResult: any().optional(),
      revision: number(),
      createdAt: string(),
      updatedAt: string(),
      gsi3pk: string().hidden(),
      gsi3sk: string().hidden(),
      gsi4pk: string().optional().hidden(),
      gsi4sk: string().optional().hidden(),
    }),
    computeKey: ({ tenantId, automationId }) => automationKey(tenantId, automationId),
  });
}

/**
 * The DynamoDB `AutomationStore`. Records are parsed with the zod schema on the way
 * out. The store never reads the clock or the schedule: callers pass `now` and the
 * computed `nextRunAt`.
 *
 * @example
 * const automations = createAutomationStore(table);
 * const due = await automations.listDue(new Date(), 100);
 */
export function createAutomationStore(table: PaperlaneTable): AutomationStore {
  const Automation = createAutomationEntity(table);
  const formatter = Automation.build(EntityFormatter);
  const toRecord = (raw: unknown): AutomationRecord => automationRecordSchema().parse(raw);
  const formatRaw = (raw: Record<string, unknown>) => toRecord(formatter.format(raw));

  function ref(input: AutomationRef): AutomationRef {
    return {
      tenantId: parseId(input.tenantId, 'tenantId'),
      automationId: parseId(input.automationId, 'automationId'),
    };
  }

  async function read(key: AutomationRef): Promise<AutomationRecord | undefined> {
    const { Item } = await Automation.build(GetItemCommand).key(key).options({ consistent: true }).send();
    return Item && Item.tenantId === key.tenantId ? toRecord(Item) : undefined;
  }

  /** The due-index attributes for a state: set when enabled with a next run, removed otherwise. */
  function dueIndex(key: AutomationRef, enabled: boolean, nextRunAt: string | undefined) {
    return enabled && nextRunAt
      ? automationDueKeys(nextRunAt, key.tenantId, key.automationId)
      : { gsi4pk: $remove(), gsi4sk: $remove() };
  }

  return {
    async create(input) {
      const { now, nextRunAt, ...fields } = parseInput(newAutomationSchema(), input, 'automation');
      const nowIso = toIso(now, 'now');
      const automation = toRecord({
        ...fields,
        ...(nextRunAt ? { nextRunAt: toIso(nextRunAt, 'nextRunAt') } : {}),
        revision: 1,
        createdAt: nowIso,
        updatedAt: nowIso,
      });
      const due =
        automation.enabled && automation.nextRunAt
          ? automationDueKeys(automation.nextRunAt, automation.tenantId, automation.automationId)
          : {};
      const outcome = await conditional(Automation, () =>
        Automation.build(PutItemCommand)
          .item({
            ...automation,
            gsi3pk: automationsPk(automation.tenantId),
            gsi3sk: automationOwnerSk(automation.tenantUserId, automation.automationId),
            ...due,
          })
          .options({ condition: { attr: 'automationId', exists: false } })
          .send(),
      );
      if (outcome.ok) return { created: true, automation };
      const existing = await read(automation);
      if (!existing) throw new Error(`automation ${automation.automationId} vanished during create`);
      return { created: false, automation: existing };
    },

    async get(input) {
      return read(ref(input));
    },

    list: listOwned(table, {
      partition: automationsPk,
      sortPrefix: (owner) => (owner ? ownerPrefix(owner) : AUTOMATION_OWNER_PREFIX),
      idPrefix: 'AUT#',
      entityName: AUTOMATION_ENTITY,
      format: formatRaw,
    }),

    async update(input) {
      const key = ref(input);
      const settings = parseInput(automationSettingsSchema(), input, 'automation update');
      if (!Number.isInteger(input.expectRevision) || input.expectRevision < 1) {
        throw new ValidationError('expectRevision must be a positive integer');
      }
      const nextRunAt = settings.nextRunAt ? toIso(settings.nextRunAt, 'nextRunAt') : undefined;
      const outcome = await conditional(Automation, () =>
        Automation.build(UpdateItemCommand)
          .item({
            ...key,
            name: settings.name,
            schedule: settings.schedule,
            timezone: settings.timezone,
            action: $set(settings.action),
            enabled: settings.enabled,
            nextRunAt: nextRunAt ?? $remove(),
            revision: $add(1),
            updatedAt: toIso(input.now, 'now'),
            ...dueIndex(key, settings.enabled, nextRunAt),
          })
          .options({ condition: { attr: 'revision', eq: input.expectRevision }, returnValues: 'ALL_NEW' })
          .send(),
      );
      return outcome.ok && outcome.value.Attributes ? toRecord(outcome.value.Attributes) : undefined;
    },

    async delete(input) {
      const key = ref(input);
      const outcome = await conditional(Automation, () =>
        Automation.build(DeleteItemCommand)
          .key(key)
          .options({ condition: { attr: 'automationId', exists: true } })
          .send(),
      );
      return outcome.ok;
    },

    async listDue(now, limit) {
      const bound = dueUpperBound(toIso(now, 'now'));
      if (!Number.isInteger(limit) || limit < 1)
        throw new ValidationError('limit must be a positive integer');
      const take = Math.min(limit, MAX_DUE_AUTOMATIONS);
      // The oldest `take` overall are among the oldest `take` of each shard.
      const shards = await Promise.all(
        Array.from({ length: SWEEP_SHARDS }, (_, shard) =>
          table
            .build(QueryCommand)
            .query({ index: INDEXES.sweep.name, partition: automationDuePk(shard), range: { lt: bound } })
            .options({ limit: take })
            .send(),
        ),
      );
      const sortKey = INDEXES.sweep.sortKey;
      return shards
        .flatMap(({ Items = [] }) => Items as Record<string, unknown>[])
        .filter((raw) => raw[ENTITY_ATTRIBUTE] === AUTOMATION_ENTITY)
        .sort((a, b) => (String(a[sortKey]) < String(b[sortKey]) ? -1 : 1))
        .slice(0, take)
        .map(formatRaw)
        .filter((automation) => automation.enabled && automation.nextRunAt !== undefined);
    },

    async advance(input) {
      const key = ref(input);
      const expect = input.expectNextRunAt;
      if (typeof expect !== 'string' || expect.length > 40)
        throw new ValidationError('expectNextRunAt is invalid');
      const nextRunAt = input.nextRunAt ? toIso(input.nextRunAt, 'nextRunAt') : undefined;
      const outcome = await conditional(Automation, () =>
        Automation.build(UpdateItemCommand)
          .item({
            ...key,
            nextRunAt: nextRunAt ?? $remove(),
            revision: $add(1),
            ...dueIndex(key, true, nextRunAt),
          })
          .options({
            condition: {
              and: [
                { attr: 'nextRunAt', eq: expect },
                { attr: 'enabled', eq: true },
              ],
            },
          })
          .send(),
      );
      return outcome.ok;
    },

    async recordRun(input) {
      const key = ref(input);
      const runAt = toIso(input.runAt, 'runAt');
      const result = parseInput(automationResultSchema(), input.result, 'automation result');
      const outcome = await conditional(Automation, () =>
        Automation.build(UpdateItemCommand)
          .item({ ...key, lastRunAt: runAt, lastResult: $set(result), revision: $add(1) })
          .options({
            condition: {
              and: [
                { attr: 'automationId', exists: true },
                {
                  or: [
                    { attr: 'lastRunAt', exists: false },
                    { attr: 'lastRunAt', lt: runAt },
                  ],
                },
              ],
            },
            returnValues: 'ALL_NEW',
          })
          .send(),
      );
      return outcome.ok && outcome.value.Attributes ? toRecord(outcome.value.Attributes) : undefined;
    },
  };
}
