#!/usr/bin/env node
// Refreshes the episode list in docs/learning-path.md from docs/episodes/*.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderLearningPath } from './learning-path.mjs';

const root = join(import.meta.dirname, '..');
const file = join(root, 'docs', 'learning-path.md');
writeFileSync(file, renderLearningPath(root, readFileSync(file, 'utf8')));
process.stdout.write('docs/learning-path.md written\n');
