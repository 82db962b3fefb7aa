import { ValidationError } from '@paperlane/core';
import { QueryCommand } from 'dynamodb-toolbox';
import { decodeListCursor, encodeListCursor, type ListCursorScope, type RangeFrontier } from './list-cursor';
import type { IndexName } from './query-page';
import { ENTITY_ATTRIBUTE, PARTITION_KEY, type PaperlaneTable, SORT_KEY } from './table';

/** One key range of one GSI partition, read newest (highest sort key) first. */
export interface KeyRange {
  index: IndexName;
  partitionKey: string;
  sortKey: string;
  partition: string;
  /** Inclusive sort-key bounds; every key of the range lies between them. */
  low: string;
  high: string;
  /**
   * The merge order of an item of this range: a string that sorts like the range's
   * sort key does and is comparable across the merged ranges (e.g. `<time>#<id>`).
   */
  order: (raw: Record<string, unknown>) => string;
}

export interface MergedListQuery<R> {
  scope: Omit<ListCursorScope, 'ranges'>;
  ranges: readonly KeyRange[];
  /** Items of other entities in a range are stepped over. */
  entityName: string;
  format: (raw: Record<string, unknown>) => R;
  /** Filters a fetched batch (what the key ranges cannot express); one flag per record. */
  keep?: (records: readonly R[]) => Promise<boolean[]> | boolean[];
  /**
   * `keep` may drop most of what is read: each query then reads a full batch (100) rather
   * than `limit + 1`, so the bounded rounds fill a page from far more candidates for the
   * same number of queries.
   */
  sparse?: boolean;
  /** Every base-table `pk` in the ranges starts with this (it carries the tenant). */
  basePrefix: string;
  limit: number;
  cursor?: string;
}

export interface MergedPage<R> {
  items: R[];
  /** `undefined` once every range is read to the end. */
  cursor?: string;
}

/**
 * Bounds per page, so one request's cost is capped whatever the filters: a page that
 * reaches them comes back short (possibly empty) with a cursor to continue.
 */
export const MAX_ROUNDS_PER_PAGE = 4;
export const MAX_QUERIES_PER_PAGE = 64;
const MAX_BATCH = 100;

interface Buffered<R> {
  raw: Record<string, unknown>;
  record?: R;
  kept: boolean;
}

/**
 * One page of several key ranges merged newest first (a k-way merge on `order`),
 * residual filters applied per fetched batch. The cursor holds each range's frontier,
 * is bound to tenant, list and filters, and every frontier in it is checked against
 * its range, so a tampered cursor cannot reach outside the caller's own keys.
 *
 * @example
 * const page = await mergedPage(table, { scope, ranges, entityName: 'Job', format, basePrefix, limit: 25 });
 */
export async function mergedPage<R>(
  table: PaperlaneTable,
  query: MergedListQuery<R>,
): Promise<MergedPage<R>> {
  const { ranges, limit } = query;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BATCH) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_BATCH}`);
  }
  if (ranges.length === 0) return { items: [] };
  const scope: ListCursorScope = { ...query.scope, ranges: ranges.length };
  const frontiers: RangeFrontier[] =
    query.cursor === undefined
      ? ranges.map(() => null)
      : decodeListCursor(query.cursor, scope).map((frontier, i) => checked(frontier, ranges[i]!, query));
  // `more[i]`: the range may hold items past what is buffered.
  const more = frontiers.map((frontier) => frontier !== 0);
  const buffers: Buffered<R>[][] = ranges.map(() => []);
  const batch = query.sparse ? MAX_BATCH : Math.min(MAX_BATCH, limit + 1);
  const items: R[] = [];
  let rounds = 0;
  let queries = 0;

  async function fill(i: number): Promise<void> {
    const range = ranges[i]!;
    const frontier = frontiers[i];
    const start =
      frontier && typeof frontier === 'object'
        ? {
            [PARTITION_KEY]: frontier.pk,
            [SORT_KEY]: frontier.sk,
            [range.partitionKey]: range.partition,
            [range.sortKey]: frontier.s,
          }
        : undefined;
    const { Items = [], LastEvaluatedKey } = await table
      .build(QueryCommand)
      .query({ index: range.index, partition: range.partition, range: { between: [range.low, range.high] } })
      .options({ limit: batch, reverse: true, ...(start ? { exclusiveStartKey: start } : {}) })
      .send();
    const raws = Items as Record<string, unknown>[];
    const records = raws.map((raw) =>
      raw[ENTITY_ATTRIBUTE] === query.entityName ? query.format(raw) : undefined,
    );
    const candidates = records.filter((record): record is R => record !== undefined);
    const flags = query.keep ? await query.keep(candidates) : candidates.map(() => true);
    let n = 0;
    buffers[i] = raws.map((raw, k) => {
      const record = records[k];
      return record === undefined ? { raw, kept: false } : { raw, record, kept: flags[n++] === true };
    });
    more[i] = LastEvaluatedKey !== undefined;
  }

  for (;;) {
    const empty = ranges.map((_, i) => i).filter((i) => more[i] && buffers[i]!.length === 0);
    if (empty.length > 0) {
      if (rounds >= MAX_ROUNDS_PER_PAGE || queries + empty.length > MAX_QUERIES_PER_PAGE) break;
      rounds++;
      queries += empty.length;
      await Promise.all(empty.map(fill));
    }
    // Take the newest head while every range that may hold more has a head to compare.
    while (items.length < limit && ranges.every((_, i) => !more[i] || buffers[i]!.length > 0)) {
      let best = -1;
      let bestOrder = '';
      for (let i = 0; i < ranges.length; i++) {
        const head = buffers[i]![0];
        if (!head) continue;
        const order = ranges[i]!.order(head.raw);
        if (best === -1 || order > bestOrder) {
          best = i;
          bestOrder = order;
        }
      }
      if (best === -1) break;
      const taken = buffers[best]!.shift()!;
      const range = ranges[best]!;
      frontiers[best] =
        buffers[best]!.length === 0 && !more[best]
          ? 0
          : {
              pk: String(taken.raw[PARTITION_KEY]),
              sk: String(taken.raw[SORT_KEY]),
              s: String(taken.raw[range.sortKey]),
            };
      if (taken.kept && taken.record !== undefined) items.push(taken.record);
    }
    if (items.length >= limit) break;
    if (ranges.every((_, i) => !more[i] && buffers[i]!.length === 0)) break;
  }
  // A range whose buffer ran dry with nothing more to read is done.
  for (let i = 0; i < ranges.length; i++) {
    if (!more[i] && buffers[i]!.length === 0) frontiers[i] = 0;
  }
  return frontiers.every((frontier) => frontier === 0)
    ? { items }
    : { items, cursor: encodeListCursor(scope, frontiers) };
}

/** A frontier from a cursor must lie inside its range and the caller's tenant. */
function checked(frontier: RangeFrontier, range: KeyRange, query: { basePrefix: string }): RangeFrontier {
  if (frontier === null || frontier === 0) return frontier;
  const invalid = new ValidationError('invalid cursor: outside the listed range', { code: 'invalid_cursor' });
  if (!frontier.pk.startsWith(query.basePrefix)) throw invalid;
  if (frontier.s < range.low || frontier.s > range.high) throw invalid;
  return frontier;
}
