import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAudit } from '../../../src/core/audit/log.js';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';

/**
 * Two `kcops apply` processes (the built CLI, bin/kcops.js: run `npm run build`) against one environment of the
 * Connect stand-in. Without the deployment lock the second plans while the first waits for its connector to be
 * healthy, creates the same connector, gets 409 and rolls back by deleting the first one's connector.
 */
const BIN = new URL('../../../bin/kcops.js', import.meta.url).pathname;
let fake: FakeConnect;
let dir: string;

beforeEach(async () => {
  // The connector is UNASSIGNED for 20 s (a loaded machine may take seconds to start each process) after it is created: the first apply holds the lock that long.
  fake = new FakeConnect({ startDelayMs: 20_000 });
  const url = await fake.listen();
  dir = mkdtempSync(join(tmpdir(), 'kcops-deploy-lock-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: shop',
      'teams:',
      '  payments: { prefixes: [payments-] }',
      'environments:',
      '  prod:',
      `    cluster: { type: self-managed, connect: { urls: ['${url}'] } }`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'connectors', 'prod'), { recursive: true });
  writeFileSync(
    join(dir, 'connectors', 'prod', 'payments-a.json'),
    JSON.stringify({
      name: 'payments-a',
      config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', topic: 'orders' },
    }),
  );
});
afterEach(() => fake.close());

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function apply(...extra: string[]): Promise<Run> {
  return kcops('apply', ...extra);
}

function kcops(command: 'apply' | 'rollback', ...extra: string[]): Promise<Run> {
  const child = spawn(
    process.execPath,
    [BIN, command, '--env', 'prod', '--auto-approve', '--settle', '100ms', '-o', 'json', ...extra],
    { cwd: dir, env: { ...process.env, NO_COLOR: '1', KCOPS_ACTOR: 'ci', KCOPS_AUDIT_FILE: '' } },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((res) => child.on('exit', (code) => res({ code, out, err })));
}

async function whenLocked(): Promise<void> {
  // Up to 30 s: starting a process takes seconds on a loaded machine.
  const lock = join(dir, '.kcops', 'locks', 'deploy-prod.lock');
  for (let i = 0; i < 1200 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 25));
  expect(existsSync(lock)).toBe(true);
}

describe('one deployment per environment at a time', () => {
  it('a second apply fails at once naming who holds the lock, and changes nothing', async () => {
    const first = apply();
    await whenLocked();
    const holder = JSON.parse(readFileSync(join(dir, '.kcops', 'locks', 'deploy-prod.lock'), 'utf8')) as {
      pid: number;
    };
    const second = await apply('--lock-timeout', '0s');
    expect(second.code, second.out + second.err).toBe(1);
    const error = (JSON.parse(second.err) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('DEPLOY_LOCKED');
    expect(error.message).toContain(`(pid ${holder.pid}, kcops apply --env prod)`);
    const r = await first;
    expect(r.code, r.err).toBe(0);
    expect(fake.connectors.has('payments-a')).toBe(true);
    expect(fake.requests.filter((q) => q.method === 'POST').length).toBe(1);
    expect(existsSync(join(dir, '.kcops', 'locks', 'deploy-prod.lock'))).toBe(false);
  }, 180_000);

  it('with --lock-timeout the second waits, then plans against what the first did', async () => {
    const first = apply();
    await whenLocked();
    const second = apply('--lock-timeout', '90s');
    const [a, b] = await Promise.all([first, second]);
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);
    // The second saw the connector the first created: nothing to do, nothing deleted.
    expect((JSON.parse(b.out) as { outcomes: unknown[] }).outcomes).toEqual([]);
    expect(fake.connectors.has('payments-a')).toBe(true);
    expect(fake.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    const records = readAudit(join(dir, '.kcops', 'audit', 'audit.jsonl')).records;
    expect(records.map((r) => `${r.action} ${r.result}`)).toEqual(['apply:create applied']);
  }, 180_000);

  it('a rollback while an apply runs fails at once naming the apply, and changes nothing', async () => {
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'first');
    const first = apply();
    await whenLocked();
    const rollback = await kcops('rollback', '--to', 'HEAD', '--lock-timeout', '0s');
    expect(rollback.code, rollback.out + rollback.err).toBe(1);
    const error = (JSON.parse(rollback.err) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('DEPLOY_LOCKED');
    expect(error.message).toContain('kcops apply --env prod');
    const r = await first;
    expect(r.code, r.err).toBe(0);
    expect(fake.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    expect(fake.requests.filter((q) => q.method === 'POST').length).toBe(1);
  }, 180_000);
});
