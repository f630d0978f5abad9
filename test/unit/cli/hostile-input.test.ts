import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { runCli } from '../../support/run-cli.js';

/**
 * Input that used to break kcops (issue 19 §5): environment names that are Object methods, kcops.yaml that is not a
 * YAML mapping one can read, and connector files that plan accepted although validate called them broken.
 */
const dir = mkdtempSync(join(tmpdir(), 'kcops-hostile-'));
const fake = new FakeConnect({ startDelayMs: 0 });
let url = '';

function writeProject(extra = ''): void {
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: hostile',
      'teams:',
      '  payments: { prefixes: [payments-] }',
      'environments:',
      '  dev:',
      `    cluster: { type: self-managed, connect: { urls: ['${url}'], timeout: 5s } }`,
      '  prod:',
      `    cluster: { type: self-managed, connect: { urls: ['${url}'], timeout: 5s } }`,
      extra,
    ].join('\n'),
  );
}

function writeConnector(name: string, text: string): void {
  writeFileSync(join(dir, 'connectors', 'dev', `${name}.json`), text);
}

const cli = (...argv: string[]) => runCli(argv, { cwd: dir, env: { KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });

const noInternal = (r: { err: string; out: string }) => {
  expect(r.err + r.out).not.toContain('INTERNAL');
  expect(r.err).not.toMatch(/\n\s+at /);
};

beforeAll(async () => {
  url = await fake.listen();
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
}, 30_000);
afterAll(() => fake.close());
beforeEach(() => {
  rmSync(join(dir, 'connectors'), { recursive: true, force: true });
  mkdirSync(join(dir, 'connectors', 'dev'), { recursive: true });
  fake.connectors.clear();
  writeProject();
});

describe('--env with a name kcops.yaml does not declare', () => {
  it('validate refuses it (exit 2, naming the declared ones) instead of checking nothing', async () => {
    for (const env of ['nope', 'constructor', '__proto__', 'toString']) {
      const r = await cli('validate', '--offline', '--env', env);
      expect(r.code, `${env}: ${r.out}${r.err}`).toBe(2);
      expect(r.err).toContain('[ENV_UNKNOWN]');
      expect(r.err).toContain(`'${env}'`);
      expect(r.err).toContain('dev, prod');
      noInternal(r);
    }
  });

  it('every command taking --env answers ENV_UNKNOWN for Object method names, never INTERNAL', async () => {
    const commands = [
      ['plan'],
      ['apply', '--auto-approve'],
      ['drift'],
      ['rollback', '--to', 'HEAD'],
      ['doctor'],
      ['new', 'postgres-cdc', '--name', 'payments-x'],
      ['connect', 'list'],
      ['connect', 'status', 'payments-x'],
      ['history'],
      ['audit', 'publish'],
    ];
    for (const env of ['constructor', 'toString', '__proto__']) {
      for (const c of commands) {
        const r = await cli(...c, '--env', env);
        expect(r.code, `${c.join(' ')} --env ${env}: ${r.err}`).toBe(2);
        expect(r.err, c.join(' ')).toContain('[ENV_UNKNOWN]');
        expect(r.err, c.join(' ')).toContain('dev, prod');
        noInternal(r);
      }
    }
    const promote = await cli('promote', 'payments-x', '--from', 'constructor', '--to', 'prod');
    expect(promote.code).toBe(2);
    expect(promote.err).toContain('[ENV_UNKNOWN]');
  });

  it('an environment really named constructor works like any other', async () => {
    writeFileSync(
      join(dir, 'kcops.yaml'),
      [
        'project: hostile',
        'environments:',
        '  constructor:',
        `    cluster: { type: self-managed, connect: { urls: ['${url}'], timeout: 5s } }`,
      ].join('\n'),
    );
    const r = await cli('plan', '--env', 'constructor', '-o', 'json');
    expect(r.code, r.err).toBe(0);
    expect(r.json.env).toBe('constructor');
  });
});

describe('kcops.yaml that cannot be read as intended', () => {
  it('a YAML alias bomb is a located error, quickly, for validate and plan', async () => {
    const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [x, y] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi'])
      rows.push(`${y}: &${y} [${`*${x},`.repeat(8)}*${x}]`);
    writeProject(`x-bomb:\n${rows.map((r) => `  ${r}`).join('\n')}`);
    const started = Date.now();
    const v = await cli('validate', '--offline', '-o', 'json');
    expect(v.code).toBe(1);
    const f = v.json.findings.find((x: { rule: string }) => x.rule === 'schema/kcops-yaml');
    expect(f.message).toMatch(/aliases.*expand/);
    expect(f.line).toBe(11); // the first alias, *a in b:
    const p = await cli('plan', '--env', 'dev');
    expect(p.code).toBe(1);
    expect(p.err).toContain('[PROJECT_INVALID]');
    expect(p.err).toMatch(/aliases.*expand/);
    noInternal(p);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('an unresolved alias names the alias and where it is', async () => {
    writeProject('x-settings: *nowhere');
    const v = await cli('validate', '--offline', '-o', 'json');
    const f = v.json.findings.find((x: { rule: string }) => x.rule === 'schema/kcops-yaml');
    expect(f.message).toContain('*nowhere');
    expect([f.line, f.column]).toEqual([9, 13]);
    const p = await cli('connect', 'list', '--env', 'dev');
    expect(p.err).toContain('*nowhere');
    noInternal(p);
  });

  it('a directory where kcops.yaml should be is a usage error saying so', async () => {
    const other = mkdtempSync(join(tmpdir(), 'kcops-hostile-dir-'));
    mkdirSync(join(other, 'kcops.yaml'));
    for (const c of [
      ['validate', '--offline'],
      ['plan', '--env', 'dev'],
      ['connect', 'list', '--env', 'dev'],
    ]) {
      const r = await runCli(c, { cwd: other });
      expect(r.code, c.join(' ')).toBe(2);
      expect(r.err).toContain('[PROJECT_UNREADABLE]');
      expect(r.err).toContain('is a directory');
      noInternal(r);
    }
  });

  it('100,000 levels of nesting are a located error, not a stack overflow', async () => {
    writeProject(`x-deep: ${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const v = await cli('validate', '--offline', '-o', 'json');
    const f = v.json.findings.find((x: { rule: string }) => x.rule === 'schema/kcops-yaml');
    expect(f.message).toMatch(/nested more than 64 levels/);
    expect([f.line, f.column]).toEqual([9, 9 + 64]);
    writeProject(`x-deep:\n  ${'- '.repeat(100_000)}x`);
    const p = await cli('plan', '--env', 'dev');
    expect(p.err).toMatch(/nested too deeply/);
    noInternal(p);
  });

  it('__proto__ as a team or environment name is refused where it is written, not dropped', async () => {
    writeProject('  __proto__:\n    cluster: { type: self-managed, connect: { urls: [http://127.0.0.1:1] } }');
    const v = await cli('validate', '--offline', '-o', 'json');
    const f = v.json.findings.find((x: { rule: string }) => x.rule === 'schema/kcops-yaml');
    expect(f.message).toContain('__proto__');
    expect(f.line).toBe(9);
  });
});

describe('connector files plan and apply must not deploy differently from what they say', () => {
  const body = (config: string) =>
    `{\n  "name": "payments-a",\n  "config": {\n    "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",\n    "topics": "orders",\n${config}\n  }\n}\n`;

  it('a duplicate key: validate error, and plan refuses it with the place', async () => {
    writeConnector('payments-a', body('    "file": "/tmp/a",\n    "file": "/tmp/b"'));
    const v = await cli('validate', '--offline', '-o', 'json');
    expect(v.json.findings.map((f: { rule: string }) => f.rule)).toContain('syntax/duplicate-key');
    const p = await cli('plan', '--env', 'dev');
    expect(p.code).toBe(2);
    expect(p.err).toContain('[CONNECTOR_FILES_INVALID]');
    expect(p.err).toContain('connectors/dev/payments-a.json:7:5');
    expect(p.err).toContain('syntax/duplicate-key');
    const a = await cli('apply', '--env', 'dev', '--auto-approve');
    expect(a.code).toBe(2);
    expect(fake.connectors.size).toBe(0);
  });

  it('a 20-digit number: validate suggests the exact digits, plan refuses it rather than round it', async () => {
    writeConnector('payments-a', body('    "file": "/tmp/a",\n    "offset.flush.timeout.ms": 12345678901234567890'));
    const v = await cli('validate', '--offline', '-o', 'json');
    const f = v.json.findings.find((x: { rule: string }) => x.rule === 'syntax/non-string-value');
    expect(f.hint).toBe('Write it as "12345678901234567890".');
    const p = await cli('plan', '--env', 'dev');
    expect(p.code).toBe(2);
    expect(p.err).toContain('syntax/non-string-value');
    expect(p.err).not.toContain('12345678901234567000');
  });

  it('a __proto__ config key is planned and sent like any other key', async () => {
    writeConnector('payments-a', body('    "file": "/tmp/a",\n    "__proto__": "kept"'));
    const p = await cli('plan', '--env', 'dev', '-o', 'json');
    expect(p.code, p.err).toBe(0);
    const change = p.json.changes.find((c: { connector: string }) => c.connector === 'payments-a');
    expect(change.fields.map((x: { key: string }) => x.key)).toContain('__proto__');
    const a = await cli('apply', '--env', 'dev', '--auto-approve');
    expect(a.code, a.err + a.out).toBe(0);
    expect(Object.hasOwn(fake.connectors.get('payments-a')?.config ?? {}, '__proto__')).toBe(true);
    const again = await cli('plan', '--env', 'dev', '-o', 'json');
    expect(
      again.json.changes.every((c: { action: string }) => c.action === 'none'),
      again.out,
    ).toBe(true);
  });

  it('100,000 levels of JSON nesting: located, the real cause, for validate and plan', async () => {
    const text = `{"name": "payments-a", "config": {"x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    writeConnector('payments-a', text);
    const v = await cli('validate', '--offline', '-o', 'json');
    const f = v.json.findings.find((x: { rule: string }) => x.rule === 'syntax/too-deep');
    expect(f.message).toMatch(/nested more than 64 levels/);
    // Level 65: two braces, then the 63rd bracket.
    expect([f.line, f.column]).toEqual([1, text.indexOf('[') + 1 + 62]);
    const p = await cli('plan', '--env', 'dev');
    expect(p.code).toBe(2);
    expect(p.err).toContain('syntax/too-deep');
    noInternal(p);
  });
});
