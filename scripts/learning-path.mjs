// The episode list of docs/learning-path.md, between its `<!-- episodes:start -->` and `<!-- episodes:end -->`
// markers, made from docs/episodes/*.md (file order, first `# ` heading): a new episode is listed by running
// scripts/gen-learning-path.mjs, and test/unit/docs-learning-path.test.ts fails until someone does.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function episodeRows(root) {
  const dir = join(root, 'docs', 'episodes');
  return readdirSync(dir)
    .filter((f) => /^\d+.*\.md$/.test(f))
    .sort()
    .map((f) => {
      const title = /^# (.+)$/m.exec(readFileSync(join(dir, f), 'utf8'))?.[1] ?? f;
      const [, n, rest] = /^Episode (\d+)\s*[—:-]\s*(.*)$/.exec(title) ?? [
        undefined,
        String(Number(f.slice(0, 2))),
        title,
      ];
      return `| ${n} | [${rest}](episodes/${f}) |`;
    });
}

export function renderLearningPath(root, page) {
  const start = '<!-- episodes:start -->';
  const end = '<!-- episodes:end -->';
  const a = page.indexOf(start);
  const b = page.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/learning-path.md has no ${start} ... ${end} block`);
  const table = ['| # | episode |', '|---:|---|', ...episodeRows(root)].join('\n');
  return `${page.slice(0, a + start.length)}\n${table}\n${page.slice(b)}`;
}
