import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, groups } from '../../src/cli/commands/index.js';
import { renderCliReference } from '../../src/cli/reference.js';
import { ExitCode } from '../../src/errors.js';
import { newShellEnv, quickstartLines } from '../../scripts/readme-quickstart.mjs';

const root = join(import.meta.dirname, '..', '..');
const GLOBAL_FLAGS = ['-o', '--output', '--config', '--env', '--debug', '--no-color', '-q', '--quiet', '-h', '--help'];

/** `kcops <words>` names a declared command, and each flag is one of its options or a global flag. */
function expectRealCommand(where: string, args: string): void {
  const words = args.split(/\s+/);
  const spec = commands.find((c) => c.path.every((p, i) => words[i] === p));
  expect(spec, `${where}: kcops ${args}`).toBeDefined();
  const known = new Set(GLOBAL_FLAGS);
  for (const o of spec!.options ?? []) for (const f of o.flags.split(/[ ,]+/)) if (f.startsWith('-')) known.add(f);
  for (const w of words.filter((w) => w.startsWith('-')))
    expect(known.has(w.split('=')[0]!), `${where}: unknown flag ${w} in 'kcops ${args}'`).toBe(true);
}

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
        if (m) expectRealCommand(file, m[1] ?? '');
      }
    }
  });

  it("README's quick start ends with plan, logs and metrics on the example, each a real command of plain `kcops`", () => {
    // scripts/demo.mjs --check-readme (CI) runs these very lines after the demo; here: they exist and are real.
    const lines = quickstartLines(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(lines[0]).toBe('cd examples/kafka-connect-configs');
    const kcops = lines.slice(1).map((l) => /^kcops (.*)$/.exec(l)?.[1]);
    expect(kcops, 'every line after the cd is a plain `kcops` call (no npx)').not.toContain(undefined);
    for (const args of kcops) expectRealCommand('README.md', args!);
    for (const path of [['plan'], ['connect', 'logs'], ['connect', 'metrics']])
      expect(kcops.some((a) => a!.startsWith(`${path.join(' ')} `) && a!.includes('--env dev'))).toBe(true);
  });

  it("the README check's shell has kcops on PATH and no KCOPS_* variable but the dev home", () => {
    const env = newShellEnv(
      {
        PATH: ['/work/x/node_modules/.bin', '/usr/bin'].join(':'),
        HOME: '/home/u',
        KCOPS_DEV_HOME: '/tmp/stack',
        KCOPS_CONNECT_PASSWORD: 'pw',
        npm_lifecycle_event: 'demo',
      },
      root,
    );
    expect(Object.keys(env).sort()).toEqual(['HOME', 'KCOPS_DEV_HOME', 'PATH']);
    const [bin, ...rest] = env.PATH!.split(':');
    expect(rest).toEqual(['/usr/bin']);
    expect(realpathSync(join(bin!, 'kcops'))).toBe(realpathSync(join(root, 'bin', 'kcops.js')));
  });
});
