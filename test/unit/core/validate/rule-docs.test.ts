import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { renderRuleDocs } from '../../../../src/core/validate/rule-docs.js';
import { offlineRules } from '../../../../src/core/validate/rules/index.js';

it('docs/reference/validation-rules.md is up to date (regenerate: npm run build && node scripts/gen-rule-docs.mjs)', async () => {
  const committed = readFileSync(join(import.meta.dirname, '../../../../docs/reference/validation-rules.md'), 'utf8');
  expect(committed).toBe(await renderRuleDocs(offlineRules));
}, 30_000);
