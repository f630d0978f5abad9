#!/usr/bin/env node
// Regenerates docs/reference/validation-rules.md from the rule definitions (needs `npm run build` first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { offlineRules } from '../dist/core/validate/rules/index.js';
import { renderRuleDocs } from '../dist/core/validate/rule-docs.js';

mkdirSync(new URL('../docs/reference/', import.meta.url), { recursive: true });
writeFileSync(new URL('../docs/reference/validation-rules.md', import.meta.url), await renderRuleDocs(offlineRules));
process.stdout.write('docs/reference/validation-rules.md written\n');
