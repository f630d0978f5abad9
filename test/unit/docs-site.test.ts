import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The manual as a site (`npm run docs:build`, VitePress), built once and checked in headless Chromium (Debian's
 * `chromium`, which .ci/run installs; KCOPS_CHROMIUM names another binary): every page renders without a script error,
 * no internal link or #anchor is broken, the search finds a runbook by an error code, and screenshots of the home page
 * and an episode are written to test-artifacts/site/ (gitignored). Outside CI without a Chromium it is skipped.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'site');
const chromiumPath = [process.env.KCOPS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => !!p && existsSync(p),
);
const skip = !chromiumPath && process.env.CI !== 'true';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

/** GitHub Pages' rules, which the published site follows: `/x` serves x.html, `/dir/` dir/index.html. */
function serve(dir: string): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    let file = join(dir, path);
    if (!file.startsWith(dir)) file = '';
    if (file && !existsSync(file) && existsSync(`${file}.html`)) file += '.html';
    if (!file || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/html' }).end(readFileSync(join(dir, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
    }),
  );
}

function htmlPages(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() && e.name !== 'assets'
        ? walk(join(d, e.name))
        : e.name.endsWith('.html') && e.name !== '404.html'
          ? [join(d, e.name)]
          : [],
    );
  return walk(dir)
    .map(
      (f) =>
        '/' +
        relative(dir, f)
          .replaceAll('\\', '/')
          .replace(/\.html$/, ''),
    )
    .map((r) => (r === '/index' ? '/' : r))
    .sort();
}

interface Seen {
  status: number;
  h1: string;
  errors: string[];
  ids: Set<string>;
  links: string[];
}

describe.skipIf(skip)('the manual as a site, in headless Chromium', () => {
  let out = '';
  let server: Server | undefined;
  let base = '';
  let browser: Browser | undefined;
  const seen = new Map<string, Seen>();
  let routes: string[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'kcops-site-'));
    // Built at low priority: the unit project's timing tests (test/unit/core/apply/speed.test.ts) run beside it.
    const build = [process.execPath, join(ROOT, 'node_modules/vitepress/bin/vitepress.js'), 'build', 'docs'];
    const argv = existsSync('/usr/bin/nice') ? ['/usr/bin/nice', '-n', '19', ...build] : build;
    await promisify(execFile)(argv[0]!, argv.slice(1), {
      cwd: ROOT,
      env: { ...process.env, DOCS_OUT_DIR: out },
      maxBuffer: 64 * 1024 * 1024,
    });
    ({ server, base } = await serve(out));
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    routes = htmlPages(out);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // A failed request is reported below with its URL; the console's copy of it has none.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    // Every asset the page asks for exists (the browser's own /favicon.ico probe aside: the manual has no icon).
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') errors.push(`${r.status()} ${r.url()}`);
    });
    for (const route of routes) {
      errors.length = 0;
      const res = await page.goto(base + route, { waitUntil: 'networkidle' });
      await page.waitForSelector('.VPContent');
      const got = await page.evaluate(() => ({
        h1: document.querySelector('.vp-doc h1')?.textContent ?? '',
        ids: Array.from(document.querySelectorAll('[id]'), (e) => e.id),
        links: Array.from(document.querySelectorAll('a[href]'), (a) => (a as HTMLAnchorElement).href),
      }));
      seen.set(route, { status: res?.status() ?? 0, errors: [...errors], ...got, ids: new Set(got.ids) });
    }
    await page.close();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('has a page for every Markdown file of docs/, and each renders with a title and no script error', () => {
    const md = (d: string): string[] =>
      readdirSync(join(ROOT, 'docs', d), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() && !e.name.startsWith('.')
          ? md(join(d, e.name))
          : e.name.endsWith('.md')
            ? [join(d, e.name)]
            : [],
      );
    const expected = md('')
      .map((f) => '/' + f.replaceAll('\\', '/').replace(/\.md$/, ''))
      .map((r) => (r === '/README' ? '/' : r))
      .sort();
    expect(routes).toEqual(expected);
    for (const [route, s] of seen) {
      expect({ route, status: s.status }).toEqual({ route, status: 200 });
      expect(s.h1.trim().length, `${route} has an h1`).toBeGreaterThan(0);
      expect({ route, errors: s.errors }).toEqual({ route, errors: [] });
    }
  });

  it('no internal link or #anchor is broken', () => {
    const broken: string[] = [];
    for (const [route, s] of seen) {
      for (const href of s.links) {
        const u = new URL(href);
        if (u.origin !== base) continue;
        let target = u.pathname.replace(/\.html$/, '').replace(/\/index$/, '/');
        if (target.endsWith('/') && target !== '/') target = target.slice(0, -1);
        const page = seen.get(target) ?? seen.get(target + '/');
        if (!page) broken.push(`${route} → ${u.pathname} (no such page)`);
        else if (u.hash && !page.ids.has(decodeURIComponent(u.hash.slice(1))))
          broken.push(`${route} → ${u.pathname}${u.hash} (no such anchor)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the sidebar lists every episode and runbook', () => {
    const links = new Set(seen.get('/')!.links.map((h) => new URL(h).pathname.replace(/\.html$/, '')));
    for (const r of routes.filter((x) => /^\/(episodes|runbooks)\//.test(x))) expect(links, r).toContain(r);
  });

  it('search finds the runbook for an error code', async () => {
    const page: Page = await browser!.newPage();
    try {
      await page.goto(base + '/', { waitUntil: 'networkidle' });
      await page.click('.DocSearch-Button');
      await page.fill('#localsearch-input', 'CONNECT_UNAUTHORIZED');
      await page.waitForSelector('#localsearch-list a.result');
      const hits = await page.$$eval('#localsearch-list a.result', (as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(
        hits.some((h) => h.includes('/runbooks/auth-errors')),
        hits.join('\n'),
      ).toBe(true);
      expect(
        hits.some((h) => h.includes('/reference/error-codes')),
        hits.join('\n'),
      ).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('writes screenshots of the home page and an episode to test-artifacts/site/', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      for (const [route, file] of [
        ['/', 'home.png'],
        ['/episodes/01-local-stack', 'episode-01.png'],
      ] as const) {
        await page.goto(base + route, { waitUntil: 'networkidle' });
        await page.screenshot({ path: join(ARTIFACTS, file), fullPage: false });
        expect(readFileSync(join(ARTIFACTS, file)).subarray(1, 4).toString()).toBe('PNG');
      }
    } finally {
      await page.close();
    }
  });
});
