import { type SessionCounts, sessionCountsSchema } from '@paperlane/core';
import { $add, $set, GetItemCommand, PutItemCommand, UpdateItemCommand } from 'dynamodb-toolbox';
import { conditional } from './conditional';
import type { PaperlaneTable } from './table';
import {
  type NewUploadSession,
  newUploadSessionSchema,
  type SessionAppend,
  sessionAppendSchema,
  type UploadSessionRecord,
} from './upload-session';
import { createUploadSessionEntity, toUploadSessionRecord } from './upload-session-entity';
import { parseId, parseInput, toIso } from './validate';

export interface SessionRef {
  tenantId: string;
  sessionId: string;
}

/** Upload sessions, tenant-scoped on every call. */
export interface UploadSessionStore {
  /** Idempotent on `sessionId`: a second create returns the existing record with `created: false`. */
  create(input: NewUploadSession): Promise<{ created: boolean; session: UploadSessionRecord }>;
  get(ref: SessionRef): Promise<UploadSessionRecord | undefined>;
  /**
   * Adds document and job ids to an existing session (idempotent); `undefined` if there
   * is none. A session whose jobs all finished before ingest recorded them still takes them.
   */
  append(input: SessionAppend): Promise<UploadSessionRecord | undefined>;
  /**
   * open → complete with how its jobs ended; `undefined` if the session is missing or
   * already complete (exactly one caller wins).
   */
  complete(
    input: SessionRef & { now: Date; counts: SessionCounts },
  ): Promise<UploadSessionRecord | undefined>;
  /**
   * Takes on announcing a complete session: succeeds when it is not announced and no
   * claim is held, or the held claim is older than `staleBefore` (its holder died).
   * `undefined` when another holds a live claim or it is announced.
   */
  claimAnnouncement(
    input: SessionRef & { now: Date; staleBefore: Date },
  ): Promise<UploadSessionRecord | undefined>;
  /** Records the announcement made under the claim taken at `claimedAt`; `false` if the claim was lost. */
  markAnnounced(input: SessionRef & { claimedAt: string; now: Date }): Promise<boolean>;
}

/**
 * The DynamoDB `UploadSessionStore`.
 *
 * @example
 * const sessions = createUploadSessionStore(table);
 * await sessions.append({ tenantId, sessionId, documentIds: [documentId], jobIds: [jobId], now: new Date() });
 */
export function createUploadSessionStore(table: PaperlaneTable): UploadSessionStore {
  const Session = createUploadSessionEntity(table);

  function ref(input: SessionRef): SessionRef {
    return {
      tenantId: parseId(input.tenantId, 'tenantId'),
      sessionId: parseId(input.sessionId, 'sessionId'),
    };
  }

  async function read(key: SessionRef): Promise<UploadSessionRecord | undefined> {
    const { Item } = await Session.build(GetItemCommand).key(key).options({ consistent: true }).send();
    return Item && Item.tenantId === key.tenantId ? toUploadSessionRecord(Item) : undefined;
  }

  return {
    async create(input) {
      const { now, expiresAt, ...fields } = parseInput(newUploadSessionSchema, input, 'upload session');
      const nowIso = toIso(now, 'now');
      const session: UploadSessionRecord = {
        ...fields,
        documentIds: [],
        jobIds: [],
        status: 'open',
        createdAt: nowIso,
        updatedAt: nowIso,
        ...(expiresAt ? { expiresAt: toIso(expiresAt, 'expiresAt') } : {}),
      };
      const { documentIds: _d, jobIds: _j, ...item } = session;
      const outcome = await conditional(Session, () =>
        Session.build(PutItemCommand)
          .item(item)
          .options({
            condition: { attr: 'sessionId', exists: false },
            returnValuesOnConditionFalse: 'ALL_OLD',
          })
          .send(),
      );
      if (outcome.ok) return { created: true, session };
      const existing = outcome.old ? toUploadSessionRecord(outcome.old) : await read(session);
      if (!existing) throw new Error(`session ${session.sessionId} vanished during create`);
      return { created: false, session: existing };
    },

    async get(input) {
      return read(ref(input));
    },

    async append(input) {
      const { tenantId, sessionId, documentIds, jobIds, now } = parseInput(
        sessionAppendSchema,
        input,
        'session append',
      );
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({
            tenantId,
            sessionId,
            updatedAt: toIso(now, 'now'),
            // DynamoDB refuses empty sets, so only non-empty additions are sent.
            ...(documentIds.length > 0 ? { documentIds: $add(new Set(documentIds)) } : {}),
            ...(jobIds.length > 0 ? { jobIds: $add(new Set(jobIds)) } : {}),
          })
          .options({ condition: { attr: 'sessionId', exists: true }, returnValues: 'ALL_NEW' })
          .send(),
      );
      return outcome.ok && outcome.value.Attributes
        ? toUploadSessionRecord(outcome.value.Attributes)
        : undefined;
    },

    async complete(input) {
      const key = ref(input);
      const counts = parseInput(sessionCountsSchema, input.counts, 'session counts');
      const nowIso = toIso(input.now, 'now');
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({ ...key, status: 'complete', completedAt: nowIso, counts: $set(counts), updatedAt: nowIso })
          .options({ condition: { attr: 'status', eq: 'open' }, returnValues: 'ALL_NEW' })
          .send(),
      );
      return outcome.ok && outcome.value.Attributes
        ? toUploadSessionRecord(outcome.value.Attributes)
        : undefined;
    },

    async claimAnnouncement(input) {
      const key = ref(input);
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({ ...key, announceClaimedAt: toIso(input.now, 'now') })
          .options({
            condition: {
              and: [
                { attr: 'status', eq: 'complete' },
                { attr: 'announcedAt', exists: false },
                {
                  or: [
                    { attr: 'announceClaimedAt', exists: false },
                    { attr: 'announceClaimedAt', lt: toIso(input.staleBefore, 'staleBefore') },
                  ],
                },
              ],
            },
            returnValues: 'ALL_NEW',
          })
          .send(),
      );
      return outcome.ok && outcome.value.Attributes
        ? toUploadSessionRecord(outcome.value.Attributes)
        : undefined;
    },

    async markAnnounced(input) {
      const key = ref(input);
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({ ...key, announcedAt: toIso(input.now, 'now') })
          .options({
            condition: {
              and: [
                { attr: 'announceClaimedAt', eq: input.claimedAt },
                { attr: 'announcedAt', exists: false },
              ],
            },
          })
          .send(),
      );
      return outcome.ok;
    },
  };
}
