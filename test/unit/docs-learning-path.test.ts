import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { episodeRows, renderLearningPath } from '../../scripts/learning-path.mjs';

const root = join(import.meta.dirname, '..', '..');

it('docs/learning-path.md lists every episode (run `node scripts/gen-learning-path.mjs`)', () => {
  const page = readFileSync(join(root, 'docs', 'learning-path.md'), 'utf8');
  expect(page).toBe(renderLearningPath(root, page));
  expect(episodeRows(root)[0]).toBe(
    '| 1 | [A local Kafka Connect that behaves like production](episodes/01-local-stack.md) |',
  );
});
