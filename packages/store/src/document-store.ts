import type { Page, PageRequest } from '@paperlane/core';
import {
  $remove,
  $set,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from 'dynamodb-toolbox';
import { conditional } from './conditional';
import {
  type DocumentPatch,
  type DocumentRecord,
  documentPatchSchema,
  type NewDocument,
  newDocumentSchema,
} from './document';
import {
  createDocumentEntity,
  DOCUMENT_ENTITY,
  documentFormatter,
  toDocumentRecord,
} from './document-entity';
import {
  bySessionPk,
  documentListSk,
  documentsPk,
  SESSION_DOC_PREFIX,
  sessionDocumentSk,
  tenantPrefix,
} from './keys';
import { queryPage } from './query-page';
import { INDEXES, type PaperlaneTable } from './table';
import { parseId, parseInput, toIso } from './validate';

export interface DocumentRef {
  tenantId: string;
  documentId: string;
}

/** Document records, tenant-scoped on every call. */
export interface DocumentStore {
  /** Idempotent on `documentId`: a second create returns the existing record with `created: false`. */
  create(input: NewDocument): Promise<{ created: boolean; document: DocumentRecord }>;
  get(ref: DocumentRef): Promise<DocumentRecord | undefined>;
  /** A session's documents, oldest first. */
  listBySession(tenantId: string, sessionId: string, page?: PageRequest): Promise<Page<DocumentRecord>>;
  /** Changes fields of an existing document (`null` removes one); `undefined` when there is none. */
  update(input: DocumentRef & DocumentPatch & { now: Date }): Promise<DocumentRecord | undefined>;
  /** `true` when a document was deleted, `false` when there was none. */
  delete(ref: DocumentRef): Promise<boolean>;
}

/**
 * The DynamoDB `DocumentStore`.
 *
 * @example
 * const documents = createDocumentStore(table);
 * await documents.update({ tenantId, documentId, status: 'processed', pageCount: 3, now: new Date() });
 */
export function createDocumentStore(table: PaperlaneTable): DocumentStore {
  const Document = createDocumentEntity(table);
  const format = documentFormatter(Document);

  function ref(input: DocumentRef): DocumentRef {
    return {
      tenantId: parseId(input.tenantId, 'tenantId'),
      documentId: parseId(input.documentId, 'documentId'),
    };
  }

  async function read(key: DocumentRef): Promise<DocumentRecord | undefined> {
    const { Item } = await Document.build(GetItemCommand).key(key).options({ consistent: true }).send();
    return Item && Item.tenantId === key.tenantId ? toDocumentRecord(Item) : undefined;
  }

  return {
    async create(input) {
      const { now, ...fields } = parseInput(newDocumentSchema, input, 'document');
      const nowIso = toIso(now, 'now');
      const document: DocumentRecord = { ...fields, createdAt: nowIso, updatedAt: nowIso };
      const sessionKeys = document.sessionId
        ? {
            gsi1pk: bySessionPk(document.tenantId, document.sessionId),
            gsi1sk: sessionDocumentSk(nowIso, document.documentId),
          }
        : {};
      const outcome = await conditional(Document, () =>
        Document.build(PutItemCommand)
          .item({
            ...document,
            ...sessionKeys,
            gsi3pk: documentsPk(document.tenantId),
            gsi3sk: documentListSk(nowIso, document.documentId),
          })
          .options({
            condition: { attr: 'documentId', exists: false },
            returnValuesOnConditionFalse: 'ALL_OLD',
          })
          .send(),
      );
      if (outcome.ok) return { created: true, document };
      const existing = outcome.old ? toDocumentRecord(outcome.old) : await read(document);
      if (!existing) throw new Error(`document ${document.documentId} vanished during create`);
      return { created: false, document: existing };
    },

    async get(input) {
      return read(ref(input));
    },

    async listBySession(tenantId, sessionId, page) {
      const tenant = parseId(tenantId, 'tenantId');
      const session = parseId(sessionId, 'sessionId');
      return queryPage(
        table,
        {
          ...INDEXES.bySession,
          index: INDEXES.bySession.name,
          partition: bySessionPk(tenant, session),
          sortPrefix: SESSION_DOC_PREFIX,
          basePrefix: `${tenantPrefix(tenant)}DOC#`,
          entityName: DOCUMENT_ENTITY,
          format,
        },
        page,
      );
    },

    async update(input) {
      const key = ref(input);
      const patch = parseInput(documentPatchSchema, input, 'document update');
      const nowIso = toIso(input.now, 'now');
      const removable = <T>(value: T | null | undefined) => (value === null ? $remove() : value);
      const outcome = await conditional(Document, () =>
        Document.build(UpdateItemCommand)
          .item({
            ...key,
            updatedAt: nowIso,
            ...(patch.status !== undefined ? { status: patch.status } : {}),
            ...(patch.error !== undefined ? { error: removable(patch.error) } : {}),
            ...(patch.pageCount !== undefined ? { pageCount: removable(patch.pageCount) } : {}),
            ...(patch.folderId !== undefined ? { folderId: removable(patch.folderId) } : {}),
            ...(patch.metadata !== undefined
              ? { metadata: patch.metadata === null ? $remove() : $set(patch.metadata) }
              : {}),
            ...(patch.thumbnails !== undefined
              ? { thumbnails: patch.thumbnails === null ? $remove() : $set(patch.thumbnails) }
              : {}),
            ...(patch.summary !== undefined
              ? { summary: patch.summary === null ? $remove() : $set(patch.summary) }
              : {}),
          })
          // UpdateItem would otherwise create a half-empty document.
          .options({ condition: { attr: 'documentId', exists: true }, returnValues: 'ALL_NEW' })
          .send(),
      );
      return outcome.ok && outcome.value.Attributes ? toDocumentRecord(outcome.value.Attributes) : undefined;
    },

    async delete(input) {
      const key = ref(input);
      const outcome = await conditional(Document, () =>
        Document.build(DeleteItemCommand)
          .key(key)
          .options({ condition: { attr: 'documentId', exists: true } })
          .send(),
      );
      return outcome.ok;
    },
  };
}
