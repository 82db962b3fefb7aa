import { ValidationError } from './errors';

/** How deep and how wide a JSON document may be. */
export interface JsonShapeLimits {
  /** Nesting levels, the outermost object or array being 1 (DynamoDB stores at most 32). */
  maxDepth: number;
  /** Object keys plus array elements, counted over the whole document. */
  maxEntries: number;
}

/** DynamoDB's nesting limit, and a width no request of ours comes near. */
export const DEFAULT_JSON_SHAPE: JsonShapeLimits = { maxDepth: 32, maxEntries: 10_000 };

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function tooDeep(maxDepth: number): ValidationError {
  return new ValidationError(`JSON may nest at most ${maxDepth} levels`, { code: 'json_too_deep' });
}

/**
 * Refuses JSON text nested deeper than `maxDepth` before it is parsed: one pass over
 * the characters, skipping strings, no recursion and no allocation, so a body of a
 * million `[` costs a scan rather than a parse (or a stack overflow further on).
 *
 * @throws ValidationError `json_too_deep`
 * @example assertJsonTextDepth('[[[1]]]', 2) // throws
 */
export function assertJsonTextDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === BACKSLASH) i++;
      else if (ch === QUOTE) inString = false;
    } else if (ch === QUOTE) inString = true;
    else if (ch === OPEN_OBJECT || ch === OPEN_ARRAY) {
      if (++depth > maxDepth) throw tooDeep(maxDepth);
    } else if (ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) depth--;
  }
}

/**
 * Checks a parsed JSON value against depth and entry limits with an explicit stack
 * (a hostile value cannot overflow it). Use it where a value did not arrive as text,
 * e.g. an event payload built in code before it is stored.
 *
 * @throws ValidationError `json_too_deep` or `json_too_many_entries`
 * @example assertJsonShape(payload, DEFAULT_JSON_SHAPE)
 */
export function assertJsonShape(value: unknown, limits: JsonShapeLimits = DEFAULT_JSON_SHAPE): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  let entries = 0;
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth > limits.maxDepth) throw tooDeep(limits.maxDepth);
    const children = Array.isArray(item.value) ? item.value : Object.values(item.value);
    entries += children.length;
    if (entries > limits.maxEntries) {
      throw new ValidationError(`JSON may hold at most ${limits.maxEntries} keys and array elements`, {
        code: 'json_too_many_entries',
      });
    }
    for (const child of children) stack.push({ value: child, depth: item.depth + 1 });
  }
}
