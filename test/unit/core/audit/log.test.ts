import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../../../../src/core/audit/log.js';
import { configHash, type AuditEntry } from '../../../../src/core/audit/record.js';

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
