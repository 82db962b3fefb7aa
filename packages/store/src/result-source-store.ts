import { idSchema } from '@paperlane/core';
import { Entity, GetItemCommand, item, PutItemCommand, string } from 'dynamodb-toolbox';
import { z } from 'zod';
import { tenantPrefix } from './keys';
import type { PaperlaneTable } from './table';
import { parseId, parseInput, toIso } from './validate';

export const RESULT_SOURCE_ENTITY = 'ResultSource';

/**
 * Which document of a tenant last read a file with these bytes successfully: where a
 * later upload of the same bytes may take its OCR text and fields from. A pointer, not a
 * copy: the reader checks that the document and its invoice are still there and processed.
 */
export interface ResultSource {
  tenantId: string;
  sha256: string;
  documentId: string;
  invoiceId: string;
  updatedAt: string;
}

// Built on first use, not at import: the API function reaches this module through the
// store's index and must carry none of it.
function schemas() {
  const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
  const source = z.object({
    tenantId: idSchema,
    sha256,
    documentId: idSchema,
    invoiceId: idSchema,
    updatedAt: z.iso.datetime(),
  });
  return { sha256, source, newSource: source.omit({ updatedAt: true }).extend({ now: z.date() }) };
}

/**
 * `T#{tenant}#SHA#{sha256}` / `RESULT`: keyed by tenant and digest, so a lookup can only
 * ever find the caller's own tenant's documents (the same bytes in another tenant are
 * another key), and no index is needed (an existing table works unchanged).
 */
export function resultSourceKey(tenantId: string, sha256: string): { pk: string; sk: string } {
  return { pk: `${tenantPrefix(tenantId)}SHA#${sha256}`, sk: 'RESULT' };
}

function createResultSourceEntity(table: PaperlaneTable) {
  return new Entity({
    name: RESULT_SOURCE_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      sha256: string().key(),
      documentId: string(),
      invoiceId: string(),
      updatedAt: string(),
    }),
    computeKey: ({ tenantId, sha256 }) => resultSourceKey(tenantId, sha256),
  });
}

/**
 * The result-reuse pointers. Apart from `createStore` because only the invoice-processing
 * consumer reads or writes them: the API function's package does not carry them.
 */
export interface ResultSourceStore {
  /** Points the digest at this document (the newest success wins; any processed one will do). */
  record(input: Omit<ResultSource, 'updatedAt'> & { now: Date }): Promise<void>;
  /** The tenant's pointer for these bytes, if any document recorded one. */
  find(ref: { tenantId: string; sha256: string }): Promise<ResultSource | undefined>;
}

/**
 * The DynamoDB `ResultSourceStore`, over the store's table.
 *
 * @example
 * const sources = createResultSourceStore(store.table);
 * const source = await sources.find({ tenantId, sha256: document.sha256 });
 */
export function createResultSourceStore(table: PaperlaneTable): ResultSourceStore {
  const ResultSource = createResultSourceEntity(table);
  const schema = schemas();
  return {
    async record(input) {
      const { now, ...fields } = parseInput(schema.newSource, input, 'result source');
      await ResultSource.build(PutItemCommand)
        .item({ ...fields, updatedAt: toIso(now, 'now') })
        .send();
    },

    async find(ref) {
      const tenantId = parseId(ref.tenantId, 'tenantId');
      const sha256 = parseInput(schema.sha256, ref.sha256, 'sha256');
      const { Item } = await ResultSource.build(GetItemCommand)
        .key({ tenantId, sha256 })
        .options({ consistent: true })
        .send();
      // The key embeds the tenant; the attribute check is a second lock on the same door.
      return Item && Item.tenantId === tenantId ? schema.source.parse(Item) : undefined;
    },
  };
}
