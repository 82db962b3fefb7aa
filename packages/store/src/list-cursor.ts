import { createHash } from 'node:crypto';
import { ValidationError } from '@paperlane/core';
import { z } from 'zod';

/**
 * Where one merged list stands in each of its key ranges: `null` not read yet, `0`
 * read to the end, or the last item handed out (its base key and index sort key).
 */
export type RangeFrontier = null | 0 | { pk: string; sk: string; s: string };

/** What a cursor is bound to: the list, the tenant and the exact filters it was made for. */
export interface ListCursorScope {
  list: string;
  tenantId: string;
  /** The filters as a canonical JSON-able object (same filters → same string). */
  filters: Record<string, unknown>;
  /** How many key ranges the list merges (a cursor carries one frontier per range). */
  ranges: number;
}

const MAX_CURSOR_LENGTH = 8192;
const MAX_KEY_LENGTH = 1024;

const frontierSchema = z.union([
  z.null(),
  z.literal(0),
  z.strictObject({
    pk: z.string().min(1).max(MAX_KEY_LENGTH),
    sk: z.string().min(1).max(MAX_KEY_LENGTH),
    s: z.string().min(1).max(MAX_KEY_LENGTH),
  }),
]);

const cursorSchema = z.strictObject({
  v: z.literal(1),
  f: z.array(frontierSchema).max(64),
  h: z.string().length(22),
});

function invalid(reason: string): ValidationError {
  return new ValidationError(`invalid cursor: ${reason}`, { code: 'invalid_cursor' });
}

/** Sorted-key JSON, so `{a,b}` and `{b,a}` bind the same cursor. */
function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The binding: a digest of the scope and the frontiers. It is not a secret-keyed MAC —
 * a hand-made cursor can only point into ranges of the caller's own tenant and filters,
 * because every frontier is checked against those ranges on the way in — but it turns a
 * cursor reused with other filters, another list or another tenant into `invalid_cursor`
 * instead of a silently wrong page.
 */
function bind(scope: ListCursorScope, frontiers: readonly RangeFrontier[]): string {
  return createHash('sha256')
    .update(canonical({ l: scope.list, t: scope.tenantId, q: scope.filters, f: frontiers }))
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Encodes the frontiers of a merged list as an opaque, URL-safe cursor.
 *
 * @example
 * const cursor = encodeListCursor({ list: 'jobs', tenantId, filters: { status: 'failed' }, ranges: 1 }, [null]);
 */
export function encodeListCursor(scope: ListCursorScope, frontiers: readonly RangeFrontier[]): string {
  const payload = { v: 1, f: frontiers, h: bind(scope, frontiers) };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeListCursor} for this very scope. Anything else
 * (garbage, tampered frontiers, another list, tenant or filter set) throws a
 * `ValidationError` with code `invalid_cursor`. The caller still checks each frontier
 * against its key range.
 */
export function decodeListCursor(cursor: string, scope: ListCursorScope): RangeFrontier[] {
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
  const { f: frontiers, h } = parsed.data;
  if (frontiers.length !== scope.ranges) throw invalid('made for another query');
  if (bind(scope, frontiers) !== h) throw invalid('made for another query');
  return frontiers;
}
