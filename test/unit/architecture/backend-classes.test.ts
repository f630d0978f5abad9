import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 11's check: code reaches a backend through core/environment (openEnvironment and its providers), never by
// naming a backend's classes. The import rules (.dependency-cruiser.cjs, `npm run lint:imports`) cover the direction
// of imports; this covers names, which an `import type` or a re-export could otherwise carry out of the backend.
const ROOT = join(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'src');
const BACKENDS = ['self-managed', 'confluent-cloud'];
/** Where environments become backends: the only place allowed to build a backend's parts. */
const SEAM = 'src/core/environment/';
/** Core folders that reach a cluster only through the Backend openEnvironment gives: no backend module at all. */
const THROUGH_BACKEND = ['src/core/validate/', 'src/core/operations/'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Known exceptions, to shrink, never to grow. Empty: core consumes the Confluent Cloud API clients through interfaces
 * (its own, or those of the backend's backend.ts) and gets them from that file's factories.
 */
const KNOWN: readonly string[] = [];

const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

describe('backend classes', () => {
  const all = files(SRC).map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }));
  const classes = BACKENDS.flatMap((b) =>
    all
      .filter((f) => f.path.startsWith(`src/connect/${b}/`))
      .flatMap((f) =>
        [...f.text.matchAll(/export (?:abstract )?class (\w+)/g)].map((m) => ({ backend: b, name: m[1]! })),
      ),
  );
  const namers = (c: { backend: string; name: string }, allowed: (path: string) => boolean) =>
    all
      .filter((f) => !f.path.startsWith(`src/connect/${c.backend}/`) && !allowed(f.path))
      .filter((f) => new RegExp(`\\b${c.name}\\b`).test(code(f.text)))
      .map((f) => `${f.path} names ${c.name}`);

  it('finds the concrete backends (the check is not vacuous)', () => {
    const names = classes.map((c) => c.name);
    expect(names).toContain('SelfManagedCluster');
    expect(names).toContain('ConfluentCloudCluster');
  });

  it("a backend's classes are named only in its folder and where environments become backends", () => {
    const found = classes.flatMap((c) => namers(c, (p) => p.startsWith(SEAM)));
    expect(found.filter((x) => !KNOWN.includes(x))).toEqual([]);
    // An exception that was fixed leaves the list, so the list cannot hide a new one under an old name.
    expect(KNOWN.filter((x) => !found.includes(x))).toEqual([]);
  });

  it('ConnectCluster implementations are named nowhere outside their folder, not even there', () => {
    const impls = classes.filter((c) =>
      all.some((f) => new RegExp(`class ${c.name}\\b[^{]*implements ConnectCluster`).test(f.text)),
    );
    expect(impls.length).toBeGreaterThanOrEqual(2);
    expect(impls.flatMap((c) => namers(c, () => false))).toEqual([]);
  });

  it('validation and the operations import no backend module: their clients come from the Backend', () => {
    const found = all
      .filter((f) => THROUGH_BACKEND.some((d) => f.path.startsWith(d)))
      .flatMap((f) =>
        [...code(f.text).matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)]
          .map((m) => join(dirname(f.path), m[1]!))
          .filter((target) => BACKENDS.some((b) => target.startsWith(`src/connect/${b}/`)))
          .map((target) => `${f.path} imports ${target}`),
      );
    expect(found).toEqual([]);
    // Not vacuous: the folders exist and hold code that imports.
    expect(all.filter((f) => THROUGH_BACKEND.some((d) => f.path.startsWith(d))).length).toBeGreaterThan(5);
  });
});
