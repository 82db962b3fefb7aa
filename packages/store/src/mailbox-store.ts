import { type Page, type PageRequest, ValidationError } from '@paperlane/core';
import {
  $add,
  $remove,
  $set,
  DeleteItemCommand,
  EntityFormatter,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from 'dynamodb-toolbox';
import { conditional } from './conditional';
import {
  type MailboxError,
  type MailboxPatch,
  type MailboxRecord,
  mailboxErrorSchema,
  mailboxPatchSchema,
  mailboxRecordSchema,
  type NewMailbox,
  type NewSyncRun,
  newMailboxSchema,
  type ProcessedMessage,
  processedMessageSchema,
  type SyncRunRecord,
  syncRunSchema,
} from './mailbox';
import {
  createMailboxEntity,
  createProcessedMessageEntity,
  createSyncRunEntity,
  MAILBOX_ENTITY,
} from './mailbox-entities';
import {
  MAILBOX_OWNER_PREFIX,
  mailboxesPk,
  mailboxOwnerPrefix,
  mailboxOwnerSk,
  mailboxPk,
  SYNC_RUN_PREFIX,
} from './mailbox-keys';
import { listOwned } from './query-page';
import { type PaperlaneTable, SORT_KEY } from './table';
import { parseId, parseInput, parseLimit, toIso } from './validate';

export interface MailboxRef {
  tenantId: string;
  mailboxId: string;
}

/** Sync history kept per mailbox and shown at most. */
export const MAX_LISTED_SYNC_RUNS = 100;

/** Mailboxes, their sync history and processed-message ledger; tenant-scoped on every call. */
export interface MailboxStore {
  /** Idempotent on `mailboxId`: a second create returns the existing record with `created: false`. */
  create(input: NewMailbox): Promise<{ created: boolean; mailbox: MailboxRecord }>;
  get(ref: MailboxRef): Promise<MailboxRecord | undefined>;
  /** The tenant's mailboxes (one user's with `tenantUserId`), grouped by owner then id. */
  list(tenantId: string, options?: PageRequest & { tenantUserId?: string }): Promise<Page<MailboxRecord>>;
  /**
   * Changes settings (and the sealed password), only if the record is still at
   * `expectRevision` when given. `resetCursor` forgets the sync position (another
   * server, account or folder). `undefined` when gone or changed meanwhile.
   */
  update(
    input: MailboxRef & MailboxPatch & { expectRevision?: number; resetCursor?: boolean; now: Date },
  ): Promise<MailboxRecord | undefined>;
  /** Deletes the mailbox with its runs and ledger; `true` when there was one. */
  delete(ref: MailboxRef): Promise<boolean>;
  /**
   * Advances the sync cursor. Under the same UIDVALIDITY it never moves back (two
   * overlapping syncs); a new UIDVALIDITY replaces it. `false` when the mailbox is gone
   * or the cursor was already further.
   */
  saveCursor(input: MailboxRef & { uidValidity: string; lastUid: number }): Promise<boolean>;
  /** Records the end of a sync: `lastSyncAt`, and `lastError` set or (`null`) cleared. */
  recordSync(input: MailboxRef & { at: Date; error: Omit<MailboxError, 'at'> | null }): Promise<boolean>;
  addRun(run: NewSyncRun): Promise<SyncRunRecord>;
  /** Newest first. */
  listRuns(ref: MailboxRef, options?: { limit?: number }): Promise<SyncRunRecord[]>;
  findProcessed(ref: MailboxRef & { messageKey: string }): Promise<ProcessedMessage | undefined>;
  /** Written once: a second write for the same message returns the first with `created: false`. */
  markProcessed(entry: ProcessedMessage): Promise<{ created: boolean; entry: ProcessedMessage }>;
}

/**
 * The DynamoDB `MailboxStore`. The store never sees a plaintext password: callers
 * seal it with a `SecretCipher` under {@link mailboxSecretContext}.
 *
 * @example
 * const mailboxes = createMailboxStore(table);
 * const { items } = await mailboxes.list('acme', { tenantUserId: 'alice' });
 */
export function createMailboxStore(table: PaperlaneTable): MailboxStore {
  const Mailbox = createMailboxEntity(table);
  const SyncRun = createSyncRunEntity(table);
  const Processed = createProcessedMessageEntity(table);
  const mailboxFormatter = Mailbox.build(EntityFormatter);
  const toRecord = (raw: unknown): MailboxRecord => mailboxRecordSchema().parse(raw);

  function ref(input: MailboxRef): MailboxRef {
    return {
      tenantId: parseId(input.tenantId, 'tenantId'),
      mailboxId: parseId(input.mailboxId, 'mailboxId'),
    };
  }

  async function read(key: MailboxRef): Promise<MailboxRecord | undefined> {
    const { Item } = await Mailbox.build(GetItemCommand).key(key).options({ consistent: true }).send();
    return Item && Item.tenantId === key.tenantId ? toRecord(Item) : undefined;
  }

  return {
    async create(input) {
      const { now, ...fields } = parseInput(newMailboxSchema(), input, 'mailbox');
      const nowIso = toIso(now, 'now');
      const mailbox = toRecord({ ...fields, revision: 1, createdAt: nowIso, updatedAt: nowIso });
      const outcome = await conditional(Mailbox, () =>
        Mailbox.build(PutItemCommand)
          .item({
            ...mailbox,
            gsi3pk: mailboxesPk(mailbox.tenantId),
            gsi3sk: mailboxOwnerSk(mailbox.tenantUserId, mailbox.mailboxId),
          })
          .options({ condition: { attr: 'mailboxId', exists: false } })
          .send(),
      );
      if (outcome.ok) return { created: true, mailbox };
      const existing = await read(mailbox);
      if (!existing) throw new Error(`mailbox ${mailbox.mailboxId} vanished during create`);
      return { created: false, mailbox: existing };
    },

    async get(input) {
      return read(ref(input));
    },

    list: listOwned(table, {
      partition: mailboxesPk,
      sortPrefix: (owner) => (owner ? mailboxOwnerPrefix(owner) : MAILBOX_OWNER_PREFIX),
      idPrefix: 'MBX#',
      entityName: MAILBOX_ENTITY,
      format: (raw) => toRecord(mailboxFormatter.format(raw)),
    }),

    async update(input) {
      const key = ref(input);
      const patch = parseInput(mailboxPatchSchema(), input, 'mailbox update');
      const expect = input.expectRevision;
      if (expect !== undefined && (!Number.isInteger(expect) || expect < 1)) {
        throw new ValidationError('expectRevision must be a positive integer');
      }
      const { subjectFilter, senderFilter, ...plain } = patch;
      const outcome = await conditional(Mailbox, () =>
        Mailbox.build(UpdateItemCommand)
          .item({
            ...key,
            ...plain,
            ...(senderFilter !== undefined ? { senderFilter: $set(senderFilter) } : {}),
            ...(subjectFilter !== undefined
              ? { subjectFilter: subjectFilter === null ? $remove() : subjectFilter }
              : {}),
            ...(input.resetCursor ? { uidValidity: $remove(), lastUid: $remove() } : {}),
            revision: $add(1),
            updatedAt: toIso(input.now, 'now'),
          })
          .options({
            condition:
              expect === undefined ? { attr: 'mailboxId', exists: true } : { attr: 'revision', eq: expect },
            returnValues: 'ALL_NEW',
          })
          .send(),
      );
      return outcome.ok && outcome.value.Attributes ? toRecord(outcome.value.Attributes) : undefined;
    },

    async delete(input) {
      const key = ref(input);
      const outcome = await conditional(Mailbox, () =>
        Mailbox.build(DeleteItemCommand)
          .key(key)
          .options({ condition: { attr: 'mailboxId', exists: true } })
          .send(),
      );
      if (!outcome.ok) return false;
      // Runs and ledger entries live in the mailbox's partition; remove them page by page.
      let start: Record<string, unknown> | undefined;
      do {
        const { Items = [], LastEvaluatedKey } = await table
          .build(QueryCommand)
          .query({ partition: mailboxPk(key.tenantId, key.mailboxId) })
          .options({ limit: 100, ...(start ? { exclusiveStartKey: start } : {}) })
          .send();
        for (const raw of Items as Record<string, unknown>[]) {
          const sk = String(raw[SORT_KEY]);
          if (sk.startsWith(SYNC_RUN_PREFIX)) {
            // `RUN#<startedAt>#<runId>`: neither an ISO time nor an id contains `#`.
            const [startedAt = '', runId = ''] = sk.slice(SYNC_RUN_PREFIX.length).split('#');
            await SyncRun.build(DeleteItemCommand)
              .key({ ...key, startedAt, runId })
              .send();
          } else if (sk.startsWith('MSG#')) {
            await Processed.build(DeleteItemCommand)
              .key({ ...key, messageKey: sk.slice('MSG#'.length) })
              .send();
          }
        }
        start = LastEvaluatedKey;
      } while (start);
      return true;
    },

    async saveCursor(input) {
      const key = ref(input);
      if (!/^\d{1,10}$/.test(input.uidValidity)) throw new ValidationError('uidValidity is invalid');
      if (!Number.isInteger(input.lastUid) || input.lastUid < 0) {
        throw new ValidationError('lastUid must be a non-negative integer');
      }
      const outcome = await conditional(Mailbox, () =>
        Mailbox.build(UpdateItemCommand)
          .item({ ...key, uidValidity: input.uidValidity, lastUid: input.lastUid })
          .options({
            condition: {
              and: [
                { attr: 'mailboxId', exists: true },
                {
                  or: [
                    { attr: 'uidValidity', exists: false },
                    { attr: 'uidValidity', ne: input.uidValidity },
                    { attr: 'lastUid', exists: false },
                    { attr: 'lastUid', lt: input.lastUid },
                  ],
                },
              ],
            },
          })
          .send(),
      );
      return outcome.ok;
    },

    async recordSync(input) {
      const key = ref(input);
      const at = toIso(input.at, 'at');
      const error =
        input.error === null
          ? null
          : parseInput(mailboxErrorSchema(), { ...input.error, at }, 'mailbox error');
      const outcome = await conditional(Mailbox, () =>
        Mailbox.build(UpdateItemCommand)
          .item({ ...key, lastSyncAt: at, lastError: error === null ? $remove() : $set(error) })
          .options({ condition: { attr: 'mailboxId', exists: true } })
          .send(),
      );
      return outcome.ok;
    },

    async addRun(input) {
      const run = parseInput(syncRunSchema(), input, 'sync run');
      await SyncRun.build(PutItemCommand).item(run).send();
      return run;
    },

    async listRuns(input, options = {}) {
      const key = ref(input);
      const limit = parseLimit(options.limit, MAX_LISTED_SYNC_RUNS);
      const { Items = [] } = await table
        .build(QueryCommand)
        .entities(SyncRun)
        .query({ partition: mailboxPk(key.tenantId, key.mailboxId), range: { beginsWith: SYNC_RUN_PREFIX } })
        .options({ limit, reverse: true })
        .send();
      return Items.filter((item) => item.tenantId === key.tenantId).map((item) =>
        syncRunSchema().parse(item),
      );
    },

    async findProcessed(input) {
      const key = ref(input);
      const messageKey = parseMessageKey(input.messageKey);
      const { Item } = await Processed.build(GetItemCommand)
        .key({ ...key, messageKey })
        .options({ consistent: true })
        .send();
      return Item && Item.tenantId === key.tenantId ? processedMessageSchema().parse(Item) : undefined;
    },

    async markProcessed(input) {
      const entry = parseInput(processedMessageSchema(), input, 'processed message');
      const outcome = await conditional(Processed, () =>
        Processed.build(PutItemCommand)
          .item(entry)
          .options({ condition: { attr: 'messageKey', exists: false } })
          .send(),
      );
      if (outcome.ok) return { created: true, entry };
      const { Item } = await Processed.build(GetItemCommand).key(entry).options({ consistent: true }).send();
      if (!Item) throw new Error(`ledger entry ${entry.messageKey} vanished during create`);
      return { created: false, entry: processedMessageSchema().parse(Item) };
    },
  };
}

function parseMessageKey(value: unknown): string {
  const parsed = processedMessageSchema().shape.messageKey.safeParse(value);
  if (!parsed.success) throw new ValidationError('messageKey is invalid', { code: 'invalid_message_key' });
  return parsed.data;
}
