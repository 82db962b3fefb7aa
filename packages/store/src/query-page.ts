import type { Page, PageRequest } from '@paperlane/core';
import { QueryCommand } from 'dynamodb-toolbox';
import { type CursorKey, type CursorScope, decodeCursor, encodeCursor } from './cursor';
import { tenantPrefix } from './keys';
import { ENTITY_ATTRIBUTE, INDEXES, type PaperlaneTable } from './table';
import { parseId, parseLimit } from './validate';

export type IndexName = keyof PaperlaneTable['indexes'] & string;

export interface PagedQuery<R> extends CursorScope {
  index: IndexName;
  /** Items of other entities in the range are skipped. */
  entityName: string;
  /** Maps a raw (saved) item to the record handed out. */
  format: (raw: Record<string, unknown>) => R;
}

/**
 * One page of a GSI partition, oldest first (sort-key order). Reads one item past
 * the limit so the last page never carries a cursor to an empty page.
 */
export async function queryPage<R>(
  table: PaperlaneTable,
  query: PagedQuery<R>,
  page: PageRequest = {},
): Promise<Page<R>> {
  const limit = parseLimit(page.limit);
  const exclusiveStartKey = page.cursor === undefined ? undefined : decodeCursor(page.cursor, query);
  const { Items = [], LastEvaluatedKey } = await table
    .build(QueryCommand)
    .query({ index: query.index, partition: query.partition, range: { beginsWith: query.sortPrefix } })
    .options({ limit: limit + 1, ...(exclusiveStartKey ? { exclusiveStartKey } : {}) })
    .send();
  const raw = (Items as Record<string, unknown>[]).slice(0, limit);
  const items = raw.filter((item) => item[ENTITY_ATTRIBUTE] === query.entityName).map(query.format);
  let next: CursorKey | undefined;
  if (Items.length > limit) next = keyOf(raw[raw.length - 1] ?? {}, query);
  else if (LastEvaluatedKey) next = LastEvaluatedKey as CursorKey;
  return next ? { items, cursor: encodeCursor(query, next) } : { items };
}

/** The `ExclusiveStartKey` that resumes right after `item` in this index. */
function keyOf(item: Record<string, unknown>, scope: CursorScope): CursorKey {
  const key: CursorKey = {};
  for (const name of ['pk', 'sk', scope.partitionKey, scope.sortKey]) {
    const value = item[name];
    if (typeof value !== 'string') throw new Error(`item lacks key attribute ${name}`);
    key[name] = value;
  }
  return key;
}

export interface OwnedListSpec<R> {
  /** The tenant's partition of this kind on the by-status index. */
  partition(tenantId: string): string;
  /** The sort-key prefix of one owner's records, or of all of them (`undefined`). */
  sortPrefix(tenantUserId: string | undefined): string;
  /** What the record ids' base-table keys start with after the tenant (`AUT#`): scopes the cursor. */
  idPrefix: string;
  entityName: string;
  format: (raw: Record<string, unknown>) => R;
}

/**
 * The `list` of a tenant-owned kind (automations, mailboxes): a page of the tenant's records,
 * or of one user's with `tenantUserId`, grouped by owner then id.
 *
 * @example
 * const list = listOwned(table, { partition: mailboxesPk, sortPrefix: (owner) => …, idPrefix: 'MBX#',
 *   entityName: MAILBOX_ENTITY, format });
 * const { items, cursor } = await list('acme', { tenantUserId: 'alice', limit: 20 });
 */
export function listOwned<R>(
  table: PaperlaneTable,
  spec: OwnedListSpec<R>,
): (tenantId: string, options?: PageRequest & { tenantUserId?: string }) => Promise<Page<R>> {
  return (tenantId, options = {}) => {
    const tenant = parseId(tenantId, 'tenantId');
    const { tenantUserId, ...page } = options;
    const owner = tenantUserId === undefined ? undefined : parseId(tenantUserId, 'tenantUserId');
    return queryPage(
      table,
      {
        ...INDEXES.byStatus,
        index: INDEXES.byStatus.name,
        partition: spec.partition(tenant),
        sortPrefix: spec.sortPrefix(owner),
        basePrefix: `${tenantPrefix(tenant)}${spec.idPrefix}`,
        entityName: spec.entityName,
        format: spec.format,
      },
      page,
    );
  };
}
