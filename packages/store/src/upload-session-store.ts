import { $add, GetItemCommand, PutItemCommand, UpdateItemCommand } from 'dynamodb-toolbox';
import { conditional } from './conditional';
import { sessionListSk, sessionsPk } from './keys';
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
          .item({
            ...item,
            gsi3pk: sessionsPk(item.tenantId),
            gsi3sk: sessionListSk(item.createdAt, item.sessionId),
          })
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
  };
}
