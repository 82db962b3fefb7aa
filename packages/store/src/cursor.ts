import { ValidationError } from '@paperlane/core';
import { z } from 'zod';

/** Where a cursor may lead: one index partition of one tenant. */
export interface CursorScope {
  /** GSI name. */
  index: string;
  /** The index key attribute names. */
  partitionKey: string;
  sortKey: string;
  /** The partition being listed; a cursor from any other partition is refused. */
  partition: string;
  /** Every sort key in the listed range starts with this. */
  sortPrefix: string;
  /** Every base-table `pk` in the listed range starts with this (it carries the tenant). */
  basePrefix: string;
}

export type CursorKey = Record<string, string>;

const MAX_CURSOR_LENGTH = 4096;
const MAX_KEY_LENGTH = 1024;

const cursorSchema = z.strictObject({
  v: z.literal(1),
  i: z.string().max(64),
  k: z.record(z.string().max(64), z.string().min(1).max(MAX_KEY_LENGTH)),
});

function invalid(reason: string): ValidationError {
  return new ValidationError(`invalid cursor: ${reason}`, { code: 'invalid_cursor' });
}

/** Encodes a DynamoDB `LastEvaluatedKey` as an opaque, URL-safe cursor. */
export function encodeCursor(scope: CursorScope, key: CursorKey): string {
  const payload: z.infer<typeof cursorSchema> = { v: 1, i: scope.index, k: key };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor into an `ExclusiveStartKey`, refusing anything that was not
 * produced for this very query: garbage, another index, another partition (another
 * tenant's cursor included) or a key outside the listed range. Throws
 * `ValidationError` with code `invalid_cursor`.
 */
export function decodeCursor(cursor: string, scope: CursorScope): CursorKey {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
    throw invalid('bad length');
  }
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('not base64url');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not JSON');
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw invalid('malformed');
  const { i: index, k: key } = parsed.data;
  if (index !== scope.index) throw invalid('belongs to another index');
  const expected = ['pk', 'sk', scope.partitionKey, scope.sortKey].sort();
  const actual = Object.keys(key).sort();
  if (actual.length !== expected.length || actual.some((name, n) => name !== expected[n])) {
    throw invalid('unexpected key attributes');
  }
  if (key[scope.partitionKey] !== scope.partition) throw invalid('belongs to another partition');
  if (!key[scope.sortKey]?.startsWith(scope.sortPrefix)) throw invalid('outside the listed range');
  if (!key.pk?.startsWith(scope.basePrefix)) throw invalid('belongs to another tenant');
  return key;
}
