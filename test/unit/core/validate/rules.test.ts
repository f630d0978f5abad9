import { describe, expect, it } from 'vitest';
import { offlineRules } from '../../../../src/core/validate/rules/index.js';
import { runExample } from '../../../../src/core/validate/rule-docs.js';

// One positive and one negative test per rule, from the examples that also document it.
describe.each(offlineRules.filter((r) => r.examples).map((r) => [r.id, r] as const))('%s', (id, rule) => {
  it('reports the failing example', async () => {
    const found = await runExample(rule.examples!.failing);
    expect(found.map((f) => f.rule)).toContain(id);
    for (const f of found.filter((x) => x.rule === id)) {
      expect(f.category).toBe(rule.category);
      expect(f.line).toBeGreaterThanOrEqual(1);
    }
  });
  it('does not report the passing example', async () => {
    const found = await runExample(rule.examples!.passing);
    expect(found.filter((f) => f.rule === id)).toEqual([]);
    expect(found.filter((f) => f.rule.startsWith('syntax/') || f.rule === 'kcops/rule-failed')).toEqual([]);
  });
});

it('rule ids are unique and every offline rule but file-too-large has examples', () => {
  const ids = offlineRules.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(offlineRules.filter((r) => !r.examples).map((r) => r.id)).toEqual(['syntax/file-too-large']);
});
