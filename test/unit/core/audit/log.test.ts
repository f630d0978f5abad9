import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditKey } from '../../../../src/core/audit/hmac.js';
import { appendAudit, readAudit, verifyAudit } from '../../../../src/core/audit/log.js';
import {
  configHash,
  GENESIS,
  recordHash,
  type AuditEntry,
  type AuditRecord,
} from '../../../../src/core/audit/record.js';
import { boundaryOf } from '../../../../src/core/fs/boundary.js';

const entry = (connector: string, action = 'apply:create'): AuditEntry => ({
  time: '2026-01-01T00:00:00Z',
  actor: 'ana <ana@example.com>',
  credentialKeyId: 'connect-admin',
  env: 'dev',
  cluster: 'http://127.0.0.1:28083',
  connector,
  action,
  configHashBefore: null,
  configHashAfter: configHash({ a: '1' }),
  gitCommit: 'abc',
  result: 'applied',
  deploymentId: 'd1',
});

function logWith(n: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kcops-audit-')), 'audit.jsonl');
  appendAudit(
    file,
    Array.from({ length: n }, (_, i) => entry(`payments-${i}`)),
  );
  return file;
}

describe('audit log', () => {
  it('chains records across appends and verifies', () => {
    const file = logWith(2);
    const more = appendAudit(file, [entry('payments-x', 'rollback:delete')]);
    expect(more[0]).toMatchObject({ seq: 3 });
    expect(verifyAudit(file)).toMatchObject({ ok: true, records: 3, problems: [] });
  });

  it('detects an altered record', () => {
    const file = logWith(3);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"result":"applied"', '"result":"failed"'));
    expect(verifyAudit(file)).toMatchObject({ ok: false, problems: [{ seq: 1, problem: 'altered' }] });
  });

  it('detects a removed record in the middle and at the end', () => {
    const file = logWith(3);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, [lines[0], lines[2]].join('\n') + '\n');
    expect(verifyAudit(file).problems.map((p) => p.problem)).toContain('removed-or-reordered');
    writeFileSync(file, [lines[0], lines[1]].join('\n') + '\n');
    expect(verifyAudit(file).problems.map((p) => p.problem)).toEqual(['truncated']);
  });

  it('config hashes ignore name and never depend on a secret value', () => {
    expect(configHash({ a: '1', name: 'x' })).toBe(configHash({ a: '1' }));
    expect(configHash({ 'database.password': 'one' })).toBe(configHash({ 'database.password': 'two' }));
    expect(configHash({ a: '1' })).not.toBe(configHash({ a: '2' }));
  });
});

describe('audit log robustness (issue 19 §4)', () => {
  const key = new AuditKey('k'.repeat(32));

  it('refuses to glue a record onto a torn last line, and verify reports the torn line', () => {
    const file = logWith(2);
    appendFileSync(file, '{"seq":3,"prevHash":"ab'); // a write cut off mid-record
    expect(() => appendAudit(file, [entry('payments-x')])).toThrow(
      expect.objectContaining({ code: 'AUDIT_TORN', message: expect.stringContaining(`${file}:3:`) }),
    );
    expect(readFileSync(file, 'utf8').endsWith('"ab')).toBe(true); // nothing was appended
    expect(verifyAudit(file).problems).toEqual([expect.objectContaining({ problem: 'torn', line: 3 })]);
  });

  it('verify of a missing file or a directory is a UserError, not "intact: 0 records"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-audit-'));
    expect(() => verifyAudit(join(dir, 'typo.jsonl'))).toThrow(expect.objectContaining({ code: 'AUDIT_NOT_FOUND' }));
    mkdirSync(join(dir, 'audit.jsonl'));
    expect(() => verifyAudit(join(dir, 'audit.jsonl'))).toThrow(expect.objectContaining({ code: 'AUDIT_NOT_A_FILE' }));
    expect(() => appendAudit(join(dir, 'audit.jsonl'), [entry('a')])).toThrow(
      expect.objectContaining({ code: 'AUDIT_NOT_A_FILE' }),
    );
  });

  it('null, number and array lines are located problems, not crashes; a garbage head is located', () => {
    const file = logWith(1);
    appendFileSync(file, 'null\n42\n[1]\n');
    const v = verifyAudit(file);
    expect(v.problems.filter((p) => p.problem === 'unparsable').map((p) => p.line)).toEqual([2, 3, 4]);
    expect(readAudit(file).records).toHaveLength(1);
    writeFileSync(file + '.head', 'garbage');
    expect(verifyAudit(file).problems).toContainEqual(expect.objectContaining({ problem: 'head-invalid', line: 1 }));
    expect(() => appendAudit(file, [entry('b')])).toThrow(
      expect.objectContaining({ code: 'AUDIT_HEAD_INVALID', message: expect.stringContaining(`${file}.head:1:`) }),
    );
  });

  it('refuses to append after the tail was cut (the new head would hide it) and reports a deleted head', () => {
    const file = logWith(3);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, lines.slice(0, 2).join('\n') + '\n');
    expect(() => appendAudit(file, [entry('c')])).toThrow(expect.objectContaining({ code: 'AUDIT_TAMPERED' }));
    writeFileSync(file, lines.join('\n') + '\n');
    rmSync(file + '.head');
    expect(verifyAudit(file).problems).toEqual([expect.objectContaining({ problem: 'truncated' })]);
  });

  it('with a key, a record rewritten and re-chained without the key is detected', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kcops-audit-')), 'audit.jsonl');
    appendAudit(file, [entry('a'), entry('b'), entry('c')], { key });
    expect(verifyAudit(file, { key })).toMatchObject({ ok: true, hmac: 'verified', notices: [] });
    // The attacker changes actor and result of record 2 and recomputes the SHA-256 chain and the head.
    const recs = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    let prevHash = GENESIS;
    const forged = recs.map((r) => {
      const { hash: _h, mac, ...body } = r;
      const changed = r.seq === 2 ? { ...body, actor: 'mallory', result: 'failed' } : body;
      const next = { ...changed, prevHash };
      const hash = recordHash(next);
      prevHash = hash;
      return { ...next, hash, mac };
    });
    writeFileSync(file, forged.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(file + '.head', JSON.stringify({ seq: 3, hash: prevHash }) + '\n');
    expect(verifyAudit(file).ok).toBe(true); // without the key only the chain can be checked...
    const v = verifyAudit(file, { key }); // ...with it, every re-chained record and the head fail
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => `${p.seq}:${p.problem}`)).toEqual(['2:hmac-invalid', '3:hmac-invalid', '3:unsigned']);
  });

  it('with a key, cutting the tail and rewriting the head to match is detected', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kcops-audit-')), 'audit.jsonl');
    appendAudit(file, [entry('a'), entry('b'), entry('c')], { key });
    const recs = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, recs.slice(0, 2).join('\n') + '\n');
    const second = JSON.parse(recs[1]!) as AuditRecord;
    // A head forged without the key (an unsigned one, or one with a made-up HMAC).
    writeFileSync(file + '.head', JSON.stringify({ seq: 2, hash: second.hash }) + '\n');
    expect(verifyAudit(file, { key }).problems).toEqual([expect.objectContaining({ problem: 'unsigned' })]);
    writeFileSync(file + '.head', JSON.stringify({ seq: 2, hash: second.hash, mac: 'f'.repeat(64) }) + '\n');
    expect(verifyAudit(file, { key }).problems).toEqual([expect.objectContaining({ problem: 'hmac-invalid' })]);
    // Stripping every HMAC makes it look like an old log: --require-hmac refuses that.
    writeFileSync(
      file,
      recs
        .slice(0, 2)
        .map((l) => {
          const { mac: _m, ...r } = JSON.parse(l) as AuditRecord;
          return JSON.stringify(r);
        })
        .join('\n') + '\n',
    );
    writeFileSync(file + '.head', JSON.stringify({ seq: 2, hash: second.hash }) + '\n');
    expect(verifyAudit(file, { key }).ok).toBe(true);
    expect(verifyAudit(file, { key, requireHmac: true }).problems).toEqual([
      expect.objectContaining({ problem: 'unsigned' }),
    ]);
  });

  it('a log written before the key still verifies, with a notice; records after it are signed', () => {
    const file = logWith(2);
    expect(verifyAudit(file).notices).toEqual([expect.stringContaining('carries no HMAC')]);
    appendAudit(file, [entry('signed')], { key });
    const v = verifyAudit(file, { key, requireHmac: true });
    expect(v).toMatchObject({ ok: true, hmac: 'verified' });
    expect(v.notices).toEqual([expect.stringContaining('Records 1–2 carry no HMAC')]);
    // A record appended after signed ones without the key is flagged.
    appendAudit(file, [entry('unsigned')]);
    expect(verifyAudit(file, { key }).problems).toContainEqual(
      expect.objectContaining({ seq: 4, problem: 'unsigned' }),
    );
  });

  it('never writes the head through a link that leaves the repository', () => {
    const repo = mkdtempSync(join(tmpdir(), 'kcops-repo-'));
    const outside = join(mkdtempSync(join(tmpdir(), 'kcops-outside-')), 'precious.txt');
    writeFileSync(outside, 'keep me\n');
    const file = join(repo, '.kcops', 'audit', 'audit.jsonl');
    mkdirSync(join(repo, '.kcops', 'audit'), { recursive: true });
    symlinkSync(outside, file + '.head');
    expect(() => appendAudit(file, [entry('a')], { boundary: boundaryOf(repo) })).toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_REPO', message: expect.stringContaining(outside) }),
    );
    expect(readFileSync(outside, 'utf8')).toBe('keep me\n');
    // The same through a linked directory.
    rmSync(join(repo, '.kcops'), { recursive: true });
    mkdirSync(join(repo, '.kcops'));
    symlinkSync(dirname(outside), join(repo, '.kcops', 'audit'));
    expect(() => appendAudit(file, [entry('a')], { boundary: boundaryOf(repo) })).toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_REPO' }),
    );
    expect(existsSync(join(dirname(outside), 'audit.jsonl'))).toBe(false);
  });

  // Runs the built log (dist/, `npm run build`) in four processes at once.
  it('concurrent appenders from several processes never lose or glue records', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kcops-audit-')), 'audit.jsonl');
    const script = `
      import { appendAudit } from ${JSON.stringify(new URL('../../../../dist/core/audit/log.js', import.meta.url).pathname)};
      for (let i = 0; i < 15; i++) appendAudit(process.env.AUDIT_FILE, [${JSON.stringify(entry('x'))}, ${JSON.stringify(entry('y'))}]);
    `;
    const runs = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, AUDIT_FILE: file },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      return new Promise<string>((res) => child.on('exit', (code) => res(`${code}${err}`)));
    });
    expect(await Promise.all(runs)).toEqual(['0', '0', '0', '0']);
    expect(verifyAudit(file)).toMatchObject({ ok: true, records: 120 });
    expect(existsSync(file + '.lock')).toBe(false);
  }, 60_000);
});
