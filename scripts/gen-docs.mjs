#!/usr/bin/env node
// Regenerates the generated parts of docs/ from the code (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands, groups } from '../dist/cli/commands/index.js';
import { renderCliReference } from '../dist/cli/reference.js';
import { renderTemplateDocs } from '../dist/core/project/scaffold.js';
import { renderErrorCodeDocs } from './error-codes.mjs';

const target = join(import.meta.dirname, '..', 'docs', 'reference', 'cli.md');
writeFileSync(target, renderCliReference(groups, commands));
console.log(`wrote ${target}`);

const templates = join(import.meta.dirname, '..', 'docs', 'reference', 'templates.md');
writeFileSync(templates, renderTemplateDocs());
console.log(`wrote ${templates}`);

const errorCodes = join(import.meta.dirname, '..', 'docs', 'reference', 'error-codes.md');
writeFileSync(errorCodes, renderErrorCodeDocs(join(import.meta.dirname, '..')));
console.log(`wrote ${errorCodes}`);
