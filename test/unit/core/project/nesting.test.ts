import { describe, expect, it } from 'vitest';
import { positionAt, tooDeepAt } from '../../../../src/core/project/nesting.js';

describe('tooDeepAt: nesting checked before a recursive parser sees the text', () => {
  it('finds the bracket that opens the level past the limit', () => {
    expect(tooDeepAt('[[[]]]', { limit: 3 })).toBeUndefined();
    expect(tooDeepAt('{"a": [[[]]]}', { limit: 3 })).toBe(8);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(tooDeepAt('{"a": "[[[[\\"[[[["}', { limit: 2 })).toBeUndefined();
    expect(tooDeepAt("a: '[[[['' [[['\nb: \"{{{{\"\n# [[[[\n", { yaml: true, limit: 2 })).toBeUndefined();
    expect(tooDeepAt("a: don't [[[", { yaml: true, limit: 2 })).toBe(11);
  });

  it('handles 100,000 levels without recursion', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(tooDeepAt(text)).toBe(64);
    expect(positionAt('ab\ncd\nef', 7)).toEqual({ line: 3, column: 2 });
  });
});
