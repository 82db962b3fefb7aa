import { describe, expect, it } from 'vitest';
import { assertJsonShape, assertJsonTextDepth, DEFAULT_JSON_SHAPE } from './json-shape';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('assertJsonTextDepth', () => {
  it('counts nesting outside strings only', () => {
    expect(() => assertJsonTextDepth(nested(32), 32)).not.toThrow();
    expect(() => assertJsonTextDepth(nested(33), 32)).toThrow(
      expect.objectContaining({ code: 'json_too_deep' }),
    );
    // Brackets inside strings, escaped quotes included, are text.
    expect(() => assertJsonTextDepth(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`, 2)).not.toThrow();
  });

  it('scans a million levels without recursion', () => {
    expect(() => assertJsonTextDepth(nested(1_000_000), 32)).toThrow(
      expect.objectContaining({ code: 'json_too_deep' }),
    );
  });
});

describe('assertJsonShape', () => {
  it('checks depth and entries of a parsed value iteratively', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(() => assertJsonShape(deep)).toThrow(expect.objectContaining({ code: 'json_too_deep' }));
    expect(() => assertJsonShape(JSON.parse(nested(32)))).not.toThrow();
    const wide = { list: Array.from({ length: DEFAULT_JSON_SHAPE.maxEntries }, () => 1) };
    expect(() => assertJsonShape(wide)).toThrow(expect.objectContaining({ code: 'json_too_many_entries' }));
    expect(() => assertJsonShape({ list: wide.list.slice(1) })).not.toThrow();
    expect(() => assertJsonShape('text')).not.toThrow();
  });
});
