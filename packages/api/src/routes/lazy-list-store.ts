import { firstUse } from '@paperlane/core';
import { createListStore, type ListStore } from '@paperlane/store';
import type { ApiDeps } from '../deps';

/**
 * The list reads over the deps' table, built on first use: route registration (and
 * `listRoutes()`) runs with stand-in deps that have no real table. A module of its
 * own so the failed-job routes use it without loading the list routes' schemas.
 *
 * @example const lists = lazyListStore(deps); await lists().jobs({ tenantId });
 */
export function lazyListStore(deps: Pick<ApiDeps, 'store'>): () => ListStore {
  return firstUse(() => createListStore(deps.store.table));
}
