import { type Page, type PageRequest, ValidationError } from '@paperlane/core';
import {
  $add,
  $get,
  $remove,
  $set,
  DeleteItemCommand,
  EntityFormatter,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type UpdateItemInput,
} from 'dynamodb-toolbox';
import { conditional } from './conditional';
import { tenantPrefix } from './keys';
import { queryPage } from './query-page';
import { INDEXES, type PaperlaneTable } from './table';
import { parseId, parseInput, toIso } from './validate';
import {
  type NewWebhook,
  newWebhookSchema,
  type WebhookPatch,
  type WebhookRecord,
  webhookPatchSchema,
  webhookRecordSchema,
} from './webhook';
import { createWebhookEntity, WEBHOOK_ENTITY, type WebhookEntity } from './webhook-entities';
import { WEBHOOK_LIST_PREFIX, webhookListSk, webhooksPk } from './webhook-keys';

export interface WebhookRef {
  tenantId: string;
  webhookId: string;
}

/** Subscriptions one tenant may hold; fan-out reads them all for every event. */
export const MAX_WEBHOOKS_PER_TENANT = 100;

/** Webhook subscriptions, tenant-scoped on every call. Secrets arrive and leave sealed. */
export interface WebhookStore {
  /** Idempotent on `webhookId`: a second create returns the existing record with `created: false`. */
  create(input: NewWebhook): Promise<{ created: boolean; webhook: WebhookRecord }>;
  get(ref: WebhookRef): Promise<WebhookRecord | undefined>;
  /** The tenant's subscriptions by id. */
  list(tenantId: string, page?: PageRequest): Promise<Page<WebhookRecord>>;
  /** Every subscription of the tenant (at most {@link MAX_WEBHOOKS_PER_TENANT}), for fan-out. */
  listAll(tenantId: string): Promise<WebhookRecord[]>;
  /** Changes settings; turning `active` on clears the disabled and failure state. `undefined` when gone. */
  update(input: WebhookRef & WebhookPatch & { now: Date }): Promise<WebhookRecord | undefined>;
  /** Replaces the secret, keeping the old one valid until `previousExpiresAt`. */
  rotateSecret(
    input: WebhookRef & {
      secretCiphertext: string;
      previousSecretCiphertext: string;
      previousExpiresAt: Date;
      now: Date;
    },
  ): Promise<WebhookRecord | undefined>;
  /**
   * Notes an attempt's outcome: a success clears `consecutiveFailureSince`, a failure
   * sets it unless a failing run already started. Returns the record after the write.
   */
  recordDeliveryResult(
    input: WebhookRef & { ok: boolean; statusCode?: number; at: Date },
  ): Promise<WebhookRecord | undefined>;
  /** Switches an active subscription off; `true` only for the call that did it. */
  disable(input: WebhookRef & { reason: string; at: Date }): Promise<boolean>;
  /** `true` when a subscription was deleted. Its deliveries are left to the delivery store. */
  delete(ref: WebhookRef): Promise<boolean>;
}

/**
 * The DynamoDB `WebhookStore`. Callers seal secrets with a `SecretCipher` under
 * `webhookSecretContext(tenantId, webhookId)`.
 *
 * @example
 * const webhooks = createWebhookStore(table);
 * const active = (await webhooks.listAll('acme')).filter((w) => w.active);
 */
export function createWebhookStore(table: PaperlaneTable): WebhookStore {
  const Webhook = createWebhookEntity(table);
  const formatter = Webhook.build(EntityFormatter);
  const toRecord = (raw: unknown): WebhookRecord => webhookRecordSchema().parse(raw);

  function ref(input: WebhookRef): WebhookRef {
    return {
      tenantId: parseId(input.tenantId, 'tenantId'),
      webhookId: parseId(input.webhookId, 'webhookId'),
    };
  }

  async function read(key: WebhookRef): Promise<WebhookRecord | undefined> {
    const { Item } = await Webhook.build(GetItemCommand).key(key).options({ consistent: true }).send();
    return Item && Item.tenantId === key.tenantId ? toRecord(Item) : undefined;
  }

  async function list(tenantId: string, page?: PageRequest): Promise<Page<WebhookRecord>> {
    const tenant = parseId(tenantId, 'tenantId');
    return queryPage(
      table,
      {
        ...INDEXES.byStatus,
        index: INDEXES.byStatus.name,
        partition: webhooksPk(tenant),
        sortPrefix: WEBHOOK_LIST_PREFIX,
        basePrefix: `${tenantPrefix(tenant)}WH#`,
        entityName: WEBHOOK_ENTITY,
        format: (raw) => toRecord(formatter.format(raw)),
      },
      page,
    );
  }

  async function update(
    key: WebhookRef,
    fields: Omit<UpdateItemInput<WebhookEntity>, 'tenantId' | 'webhookId'>,
  ): Promise<WebhookRecord | undefined> {
    const outcome = await conditional(Webhook, () =>
      Webhook.build(UpdateItemCommand)
        .item({ ...key, ...fields })
        .options({ condition: { attr: 'webhookId', exists: true }, returnValues: 'ALL_NEW' })
        .send(),
    );
    return outcome.ok && outcome.value.Attributes ? toRecord(outcome.value.Attributes) : undefined;
  }

  return {
    async create(input) {
      const { now, ...fields } = parseInput(newWebhookSchema(), input, 'webhook');
      const nowIso = toIso(now, 'now');
      const webhook = toRecord({ ...fields, revision: 1, createdAt: nowIso, updatedAt: nowIso });
      const outcome = await conditional(Webhook, () =>
        Webhook.build(PutItemCommand)
          .item({
            ...webhook,
            gsi3pk: webhooksPk(webhook.tenantId),
            gsi3sk: webhookListSk(webhook.webhookId),
          })
          .options({ condition: { attr: 'webhookId', exists: false } })
          .send(),
      );
      if (outcome.ok) return { created: true, webhook };
      const existing = await read(webhook);
      if (!existing) throw new Error(`webhook ${webhook.webhookId} vanished during create`);
      return { created: false, webhook: existing };
    },

    async get(input) {
      return read(ref(input));
    },

    list,

    async listAll(tenantId) {
      const all: WebhookRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(tenantId, { limit: 100, ...(cursor ? { cursor } : {}) });
        all.push(...page.items);
        cursor = page.cursor;
      } while (cursor && all.length < MAX_WEBHOOKS_PER_TENANT);
      return all.slice(0, MAX_WEBHOOKS_PER_TENANT);
    },

    async update(input) {
      const key = ref(input);
      const patch = parseInput(webhookPatchSchema(), input, 'webhook update');
      const { description, events, active, url } = patch;
      return update(key, {
        ...(url !== undefined ? { url } : {}),
        ...(events !== undefined ? { events: $set(events) } : {}),
        ...(description !== undefined ? { description: description === null ? $remove() : description } : {}),
        ...(active !== undefined ? { active } : {}),
        ...(active === true
          ? { disabledReason: $remove(), disabledAt: $remove(), consecutiveFailureSince: $remove() }
          : {}),
        revision: $add(1),
        updatedAt: toIso(input.now, 'now'),
      });
    },

    async rotateSecret(input) {
      const key = ref(input);
      const sealed = newWebhookSchema().shape.secretCiphertext;
      const current = parseInput(sealed, input.secretCiphertext, 'secretCiphertext');
      const previous = parseInput(sealed, input.previousSecretCiphertext, 'previousSecretCiphertext');
      return update(key, {
        secretCiphertext: current,
        previousSecretCiphertext: previous,
        previousExpiresAt: toIso(input.previousExpiresAt, 'previousExpiresAt'),
        revision: $add(1),
        updatedAt: toIso(input.now, 'now'),
      });
    },

    async recordDeliveryResult(input) {
      const key = ref(input);
      const at = toIso(input.at, 'at');
      const code = input.statusCode;
      if (code !== undefined && (!Number.isInteger(code) || code < 0 || code > 999)) {
        throw new ValidationError('statusCode must be an integer between 0 and 999');
      }
      return update(key, {
        lastDeliveryAt: at,
        lastStatusCode: code === undefined ? $remove() : code,
        consecutiveFailureSince: input.ok ? $remove() : $get('consecutiveFailureSince', at),
      });
    },

    async disable(input) {
      const key = ref(input);
      const reason = parseInput(webhookRecordSchema().shape.disabledReason.unwrap(), input.reason, 'reason');
      const at = toIso(input.at, 'at');
      const outcome = await conditional(Webhook, () =>
        Webhook.build(UpdateItemCommand)
          .item({ ...key, active: false, disabledReason: reason, disabledAt: at, updatedAt: at })
          .options({ condition: { attr: 'active', eq: true } })
          .send(),
      );
      return outcome.ok;
    },

    async delete(input) {
      const key = ref(input);
      const outcome = await conditional(Webhook, () =>
        Webhook.build(DeleteItemCommand)
          .key(key)
          .options({ condition: { attr: 'webhookId', exists: true } })
          .send(),
      );
      return outcome.ok;
    },
  };
}
