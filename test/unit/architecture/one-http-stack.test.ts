import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 11: one HTTP layer. Every request kcops makes goes through src/connect/http/transport.ts (TLS, pool,
// timeouts) and, where it may be repeated, its request policy; the global fetch and direct node:http(s) clients would
// each bring their own timeouts, TLS handling and retry habits back.
const ROOT = join(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'src');
const TRANSPORT = 'src/connect/http/transport.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

describe('one HTTP stack', () => {
  const all = files(SRC).map((p) => ({ path: relative(ROOT, p), text: code(readFileSync(p, 'utf8')) }));

  it('nothing calls the global fetch', () => {
    // `store.fetch(ref)` and methods named fetch are fine: only a bare call of the global is flagged.
    const found = all.filter((f) => /(?<![.\w])fetch\s*\(/.test(f.text.replace(/(async\s+)?fetch\(ref/g, '')));
    expect(found.map((f) => f.path)).toEqual([]);
  });

  it('only the transport makes HTTP client requests with node:http(s)', () => {
    const found = all
      .filter((f) => f.path !== TRANSPORT)
      .filter((f) => /import\s*\{[^}]*\brequest\b[^}]*\}\s*from\s*'node:https?'/.test(f.text))
      .map((f) => f.path);
    expect(found).toEqual([]);
  });

  it('finds the transport (the check is not vacuous)', () => {
    expect(all.some((f) => f.path === TRANSPORT && /from 'node:https'/.test(f.text))).toBe(true);
  });
});
