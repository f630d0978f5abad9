// The operations manual as a static site (`npm run docs:build`, VitePress). The sidebar is read from the files at
// build time, so a new episode, runbook, guide or reference page appears without touching this file: its title is
// its first `# ` heading, its place the folder it is in (sorted by file name). No import of 'vitepress' here: the
// pipeline `kcops init --ci` writes builds the manual of an installed kcops with a separately installed vitepress,
// where this file could not resolve it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Sidebar groups: folder, label. Pages directly under docs/ other than the home page go under "Start here". */
const SECTIONS = [
  ['episodes', 'Learning path: episodes'],
  ['runbooks', 'Runbooks'],
  ['guides', 'Answers and guides'],
  ['reference', 'Reference'],
];

function title(file) {
  const text = readFileSync(file, 'utf8');
  // "Runbook: a connector task FAILED" reads as "a connector task FAILED" under the heading "Runbooks".
  const heading = /^# (.+)$/m.exec(text)?.[1];
  return heading ? heading.replace(/`/g, '').replace(/^Runbook:\s*/, '') : posix.basename(file, '.md');
}

function pages(folder) {
  const dir = join(DOCS, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md' && f !== 'index.md')
    .sort()
    .map((f) => ({ text: title(join(dir, f)), link: `/${folder ? `${folder}/` : ''}${f.replace(/\.md$/, '')}` }));
}

export function sidebar() {
  return [
    { text: 'Start here', items: [{ text: 'Overview', link: '/' }, ...pages('')] },
    ...SECTIONS.map(([folder, text]) => ({ text, collapsed: false, items: pages(folder) })).filter(
      (g) => g.items.length,
    ),
  ];
}

/**
 * Links from the manual into the rest of the repository (`../src/...`, `../../examples/...`, the requirements) are
 * not pages of the site. With DOCS_REPO_URL (e.g. https://github.com/org/kcops/blob/<sha>) they point there;
 * without it they become plain text marked as a repository path, never a broken link.
 */
function repositoryLinks(md) {
  const repoUrl = process.env.DOCS_REPO_URL?.replace(/\/$/, '');
  md.core.ruler.after('inline', 'kcops-repository-links', (state) => {
    const page = state.env.relativePath ?? '';
    for (const block of state.tokens) {
      const children = block.children ?? [];
      for (let i = 0; i < children.length; i++) {
        const t = children[i];
        if (t.type !== 'link_open') continue;
        const href = t.attrGet('href') ?? '';
        if (/^[a-z][a-z0-9+.-]*:|^#|^\//i.test(href)) continue;
        const [path] = href.split('#');
        const target = posix.normalize(posix.join(posix.dirname(page), path));
        const insideDocs = !target.startsWith('..');
        if (
          insideDocs &&
          (target.endsWith('.md') || target.endsWith('/') || existsSync(join(DOCS, target, 'index.md')))
        )
          continue;
        const repoPath = posix.normalize(posix.join('docs', target));
        if (repoUrl) {
          t.attrSet('href', `${repoUrl}/${repoPath}`);
          continue;
        }
        const close = children.findIndex((c, j) => j > i && c.type === 'link_close' && c.level === t.level);
        t.type = 'html_inline';
        t.content = `<span class="repo-path" title="${repoPath} in the kcops repository">`;
        if (close > 0) {
          children[close].type = 'html_inline';
          children[close].content = '</span>';
        }
      }
    }
  });
}

/**
 * Heading ids as GitHub makes them (lower case, punctuation dropped, each space a dash), so one `#anchor` works on
 * GitHub and on the site: VitePress' own slugs differ (a leading `_` before digits, runs of dashes collapsed).
 */
export function githubSlug(text) {
  return text
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

const escapeHtml = (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const HTML_KEPT = /^(<!--|<\/?(a|b|br|code|details|div|em|i|img|kbd|p|span|strong|sub|summary|sup|table|td|th|tr)\b)/i;

/**
 * The pages are written for GitHub and the terminal: `<name>` and `{{placeholder}}` in prose are text there. Vue
 * would read them as an unclosed element and an interpolation; shown as text here too. Comments and the few tags
 * GitHub renders stay HTML.
 */
function proseAsText(md) {
  md.core.ruler.push('kcops-prose-as-text', (state) => {
    for (const block of state.tokens) {
      if (block.type === 'html_block' && !HTML_KEPT.test(block.content.trim()))
        block.content = escapeHtml(block.content);
      for (const t of block.children ?? []) {
        if (t.type === 'html_inline' && !HTML_KEPT.test(t.content)) t.content = escapeHtml(t.content);
        else if (t.type === 'text' && t.content.includes('{{')) {
          t.type = 'html_inline';
          t.content = `<span v-pre>${escapeHtml(t.content)}</span>`;
        }
      }
    }
  });
}

export default {
  title: 'kcops manual',
  description: 'Kafka Connect operations: the kcops learning path, runbooks and reference',
  base: process.env.DOCS_BASE ?? '/',
  outDir: process.env.DOCS_OUT_DIR ?? join(DOCS, '.vitepress', 'dist'),
  cacheDir: join(DOCS, '.vitepress', 'cache'),
  lastUpdated: false,
  // The local search index of the generated references (CLI, error codes) is one large chunk, by design.
  vite: { build: { chunkSizeWarningLimit: 4096 } },
  // README.md is the manual's front page on GitHub and the site's home page.
  rewrites: { 'README.md': 'index.md' },
  markdown: {
    anchor: { slugify: githubSlug },
    config: (md) => {
      repositoryLinks(md);
      proseAsText(md);
    },
  },
  themeConfig: {
    nav: [
      { text: 'Learning path', link: '/learning-path' },
      { text: 'Runbooks', link: '/runbooks/failed-task' },
      { text: 'Error codes', link: '/reference/error-codes' },
      { text: 'CLI', link: '/reference/cli' },
    ],
    sidebar: sidebar(),
    search: { provider: 'local' },
    outline: { level: [2, 3] },
  },
};
