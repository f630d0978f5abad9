#!/usr/bin/env node
// Regenerates docs/reference/error-codes.md from the UserError calls in src/ and the runbooks' `codes:` front matter.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderErrorCodeDocs } from './error-codes.mjs';

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, 'docs', 'reference', 'error-codes.md'), renderErrorCodeDocs(root));
process.stdout.write('docs/reference/error-codes.md written\n');
