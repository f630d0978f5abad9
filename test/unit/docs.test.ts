import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, groups } from '../../src/cli/commands/index.js';
import { renderCliReference } from '../../src/cli/reference.js';
import { ExitCode } from '../../src/errors.js';

const root = join(import.meta.dirname, '..', '..');
const GLOBAL_FLAGS = ['-o', '--output', '--config', '--env', '--debug', '--no-color', '-q', '--quiet', '-h', '--help'];

describe('docs match the code', () => {
  it('docs/reference/cli.md is generated from the command declarations (run `npm run docs`)', () => {
    expect(readFileSync(join(root, 'docs', 'reference', 'cli.md'), 'utf8')).toBe(renderCliReference(groups, commands));
  });

  it('docs/reference/exit-codes.md lists every exit code with its value', () => {
    const doc = readFileSync(join(root, 'docs', 'reference', 'exit-codes.md'), 'utf8');
    for (const [name, code] of Object.entries(ExitCode))
      expect(doc).toMatch(new RegExp(`\\| ${code} \\| \`${name}\` \\|`));
  });

  it('docs/reference/exit-codes.md lists every error code the source can raise, and no other', () => {
    const doc = readFileSync(join(root, 'docs', 'reference', 'exit-codes.md'), 'utf8');
    const inSource = new Set(['INTERNAL']);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    for (const file of walk(join(root, 'src')))
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:UserError|usageError)\(\s*['`]([A-Z][A-Z0-9_]+)['`]/g))
        inSource.add(m[1]!);
    const listed = new Set(
      [...doc.split('Error codes are stable identifiers')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!),
    );
    expect([...inSource].filter((c) => !listed.has(c)).sort(), 'raised but not documented').toEqual([]);
    expect([...listed].filter((c) => !inSource.has(c)).sort(), 'documented but never raised').toEqual([]);
  });

  it('every `$ kcops ...` command in the episodes names a real command and real flags', () => {
    const dir = join(root, 'docs', 'episodes');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        const m = /^\$ kcops (.*)$/.exec(line.trim());
        if (!m) continue;
        const words = (m[1] ?? '').split(/\s+/);
        const spec = commands.find((c) => c.path.every((p, i) => words[i] === p));
        expect(spec, `${file}: ${line}`).toBeDefined();
        const known = new Set(GLOBAL_FLAGS);
        for (const o of spec!.options ?? [])
          for (const f of o.flags.split(/[ ,]+/)) if (f.startsWith('-')) known.add(f);
        for (const w of words.filter((w) => w.startsWith('-')))
          expect(known.has(w.split('=')[0]!), `${file}: unknown flag ${w} in '${line}'`).toBe(true);
      }
    }
  });
});
