import { createRequire } from 'node:module';

/**
 * dynalite (4.x) writes an item's index entries and then the item as separate LevelDB
 * writes: the old index entries deleted, the new ones put, the item put last. A process
 * killed between them (the emulators child SIGKILLed, a laptop losing power) leaves an
 * item whose index entry is gone: a pending job the sweep index no longer lists is never
 * re-sent. DynamoDB itself never shows that. This makes each write one LevelDB batch,
 * so an item and its index entries survive a crash together or not at all.
 *
 * It replaces `updateIndexes` on dynalite's db module, which its put, update and delete
 * actions call just before writing the item (inside the item's lock): the index writes
 * are held back and sent with that item write. Internal API of the pinned dynalite;
 * `dynalite-atomic-writes.test.ts` fails if a version no longer has it.
 */

type Item = Record<string, unknown>;
type Callback = (error?: Error | null) => void;
interface LevelOp {
  type: 'put' | 'del';
  key: string;
  value?: unknown;
}
interface PrefixedDb {
  put(key: string, value: unknown, callback: Callback): void;
  del(key: string, callback: Callback): void;
}
interface Table {
  TableName: string;
}
interface DynaliteStore {
  db: { batch(ops: LevelOp[], callback: Callback): void };
  getItemDb(tableName: string): PrefixedDb;
}
interface IndexAction {
  index: string;
  key: string;
  item?: Item;
}
interface DynaliteDb {
  updateIndexes(
    store: DynaliteStore,
    table: Table,
    existing: Item | null,
    item: Item | null,
    cb: Callback,
  ): void;
  getIndexActions(
    indexes: unknown[],
    existing: Item | null,
    item: Item | null,
    table: Table,
  ): { puts: IndexAction[]; deletes: IndexAction[] };
  createKey(item: Item, table: Table): string;
}

const PATCHED = Symbol.for('paperlane.dynalite.atomic-writes');

/** The LevelDB key prefixes dynalite's `getSubDb` gives items and index entries. */
const itemPrefix = (table: string) => `item-${table}~`;
const indexPrefix = (type: 'local' | 'global', table: string, index: string) =>
  `index-${type}~${table}~${index}~`;

/** Loads dynalite's db module (the instance its actions use) and patches it once per process. */
export function makeDynaliteWritesAtomic(): void {
  const require = createRequire(import.meta.url);
  const db = require(require.resolve('dynalite/db/index.js')) as DynaliteDb & { [PATCHED]?: true };
  if (db[PATCHED]) return;
  if (typeof db.updateIndexes !== 'function' || typeof db.getIndexActions !== 'function') {
    throw new Error(
      'this dynalite has no updateIndexes/getIndexActions: dynalite-atomic-writes needs updating',
    );
  }
  /** Index writes waiting for their item's write, by the item's LevelDB key (unique: the item is locked). */
  const held = new Map<string, LevelOp[]>();
  const patchedItemDbs = new WeakSet<PrefixedDb>();

  function holdItemWrites(store: DynaliteStore, tableName: string): void {
    const itemDb = store.getItemDb(tableName);
    if (patchedItemDbs.has(itemDb)) return;
    patchedItemDbs.add(itemDb);
    const { put, del } = itemDb;
    const prefix = itemPrefix(tableName);
    const withHeld = (key: string, op: LevelOp, plain: () => void, callback: Callback) => {
      const ops = held.get(prefix + key);
      if (!ops) return plain();
      held.delete(prefix + key);
      store.db.batch([...ops, op], callback);
    };
    itemDb.put = (key, value, callback) =>
      withHeld(
        key,
        { type: 'put', key: prefix + key, value },
        () => put.call(itemDb, key, value, callback),
        callback,
      );
    itemDb.del = (key, callback) =>
      withHeld(key, { type: 'del', key: prefix + key }, () => del.call(itemDb, key, callback), callback);
  }

  db.updateIndexes = (store, table, existing, item, cb) => {
    if (!existing && !item) return cb();
    const ops: LevelOp[] = [];
    const typed = table as Table & { LocalSecondaryIndexes?: unknown[]; GlobalSecondaryIndexes?: unknown[] };
    for (const type of ['local', 'global'] as const) {
      const indexes = (type === 'local' ? typed.LocalSecondaryIndexes : typed.GlobalSecondaryIndexes) ?? [];
      const actions = db.getIndexActions(indexes, existing, item, table);
      for (const d of actions.deletes)
        ops.push({ type: 'del', key: indexPrefix(type, table.TableName, d.index) + d.key });
      for (const p of actions.puts)
        ops.push({ type: 'put', key: indexPrefix(type, table.TableName, p.index) + p.key, value: p.item });
    }
    if (ops.length === 0) return cb();
    holdItemWrites(store, table.TableName);
    const subject = (item ?? existing) as Item;
    held.set(itemPrefix(table.TableName) + db.createKey(subject, table), ops);
    cb();
  };
  db[PATCHED] = true;
}
