import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { runCli } from '../../support/run-cli.js';

/** apply writes HMAC-signed records with audit.hmacKey; `audit verify` checks them; a damaged log stops apply first. */
let fake: FakeConnect;
let dir: string;
const KEY = 'a'.repeat(16) + 'b'.repeat(16);
const log = () => join(dir, '.kcops', 'audit', 'audit.jsonl');
const cli = (env: Record<string, string>, ...argv: string[]) =>
  runCli(argv, { cwd: dir, env: { KCOPS_ACTOR: 'ci', KCOPS_AUDIT_FILE: '', ...env } });
const apply = (env: Record<string, string> = { KCOPS_AUDIT_KEY: KEY }) =>
  cli(env, 'apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '-o', 'json');

function put(name: string) {
  writeFileSync(
    join(dir, 'connectors', 'prod', `${name}.json`),
    JSON.stringify({
      name,
      config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', topic: 'orders' },
    }),
  );
}

beforeEach(async () => {
  fake = new FakeConnect({ startDelayMs: 0 });
  const url = await fake.listen();
  dir = mkdtempSync(join(tmpdir(), 'kcops-audit-verify-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: shop',
      'secretProviders:',
      '  kcops-env: { type: env, resolvedBy: kcops }',
      'audit:',
      "  hmacKey: '${kcops-env:KCOPS_AUDIT_KEY}'",
      'environments:',
      '  prod:',
      `    cluster: { type: self-managed, connect: { urls: ['${url}'] } }`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'connectors', 'prod'), { recursive: true });
  put('payments-a');
});
afterEach(() => fake.close());

describe('kcops audit verify with audit.hmacKey', () => {
  it('apply signs its records; verify checks them, and fails with another key', async () => {
    expect((await apply()).code).toBe(0);
    const ok = await cli({ KCOPS_AUDIT_KEY: KEY }, 'audit', 'verify', '--require-hmac', '-o', 'json');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, records: 1, hmac: 'verified' });
    expect(readFileSync(log(), 'utf8')).not.toContain(KEY);
    // Another key (an attacker's) does not verify.
    const wrong = await cli({ KCOPS_AUDIT_KEY: 'x'.repeat(32) }, 'audit', 'verify', '-o', 'json');
    expect(wrong.code).toBe(1);
    expect(wrong.json.problems.map((p: { problem: string }) => p.problem)).toEqual(['hmac-invalid', 'hmac-invalid']);
    // Without the key the chain is still checked, with a note that the HMACs were not.
    const noKey = await cli({}, 'audit', 'verify');
    expect(noKey.code).toBe(0);
    expect(noKey.out).toContain('no key is available here');
  });

  it('a missing or mistyped log is an error, not "intact: 0 records"', async () => {
    const r = await cli({}, 'audit', 'verify', 'audit.jsnol', '-o', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err)).toMatchObject({ error: { code: 'AUDIT_NOT_FOUND' } });
  });

  it('a torn log stops apply before anything changes, naming the line', async () => {
    expect((await apply()).code).toBe(0);
    appendFileSync(log(), '{"seq":2,"pre');
    put('payments-b');
    const posts = fake.requests.filter((q) => q.method === 'POST').length;
    const r = await apply();
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err)).toMatchObject({
      error: { code: 'AUDIT_TORN', message: expect.stringContaining(`${log()}:2:`) },
    });
    expect(fake.requests.filter((q) => q.method === 'POST').length).toBe(posts);
    expect(fake.connectors.has('payments-b')).toBe(false);
  });

  it('an unresolvable key stops apply before anything changes', async () => {
    const r = await apply({});
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err)).toMatchObject({ error: { code: 'SECRET_UNRESOLVED' } });
    expect(fake.connectors.size).toBe(0);
  });

  it('a cut tail with an older signed head put back: intact alone, caught by --since <ref> when the log was committed', async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' }).toString();
    git('init', '-q');
    git('config', 'user.email', 'ci@example.com');
    git('config', 'user.name', 'ci');
    expect((await apply()).code).toBe(0);
    // The state the attacker saves: one record and its signed head.
    const oldLog = readFileSync(log(), 'utf8');
    const oldHead = readFileSync(`${log()}.head`, 'utf8');
    put('payments-b');
    expect((await apply()).code).toBe(0);
    // The project commits (and, in real life, pushes to a protected branch) the log with both records.
    git('add', '-A');
    git('commit', '-qm', 'deploy');
    git('branch', 'protected');
    // The attacker cuts the tail and puts the old head back: both carry valid HMACs.
    writeFileSync(log(), oldLog);
    writeFileSync(`${log()}.head`, oldHead);
    const alone = await cli({ KCOPS_AUDIT_KEY: KEY }, 'audit', 'verify', '--require-hmac', '-o', 'json');
    expect(alone.code, 'without an anchor the replay is not visible').toBe(0);
    const since = await cli(
      { KCOPS_AUDIT_KEY: KEY },
      'audit',
      'verify',
      '--require-hmac',
      '--since',
      'protected',
      '-o',
      'json',
    );
    expect(since.code).toBe(1);
    expect(since.json).toMatchObject({
      ok: false,
      problems: [{ seq: 2, problem: 'rolled-back', detail: expect.stringContaining('ends at record 1') }],
    });
    // The log as committed passes, and says what it compared with; an unknown revision is a usage error.
    git('checkout', '-q', '--', '.kcops');
    const intact = await cli({ KCOPS_AUDIT_KEY: KEY }, 'audit', 'verify', '--since', 'protected', '-o', 'json');
    expect(intact.code, intact.err).toBe(0);
    expect(JSON.stringify(intact.json)).toContain('extends the one committed at protected');
    const unknown = await cli({ KCOPS_AUDIT_KEY: KEY }, 'audit', 'verify', '--since', 'nope', '-o', 'json');
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.err)).toMatchObject({ error: { code: 'GIT_REF_UNKNOWN' } });
  });
});
