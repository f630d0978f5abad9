import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';

/**
 * `environments.<env>.deploy` in kcops.yaml gives apply its waiting defaults per environment; a flag wins over it.
 * The stand-in never starts the connector, so the wait runs out after exactly the bound in effect, which the outcome
 * names. Runs the built CLI (`npm run build`).
 */
const BIN = new URL('../../../bin/kcops.js', import.meta.url).pathname;
let fake: FakeConnect;
let dir: string;

beforeEach(async () => {
  fake = new FakeConnect({ startDelayMs: 600_000 });
  const url = await fake.listen();
  dir = mkdtempSync(join(tmpdir(), 'kcops-deploy-settings-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: shop',
      'teams:',
      '  payments: { prefixes: [payments-] }',
      'environments:',
      '  prod:',
      `    cluster: { type: self-managed, connect: { urls: ['${url}'] } }`,
      '    deploy: { waitTimeout: 1s, settle: 0s }',
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

function apply(...extra: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, 'apply', '--env', 'prod', '--auto-approve', '-o', 'json', ...extra], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', KCOPS_ACTOR: 'ci', KCOPS_AUDIT_FILE: '' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('deploy settings per environment', () => {
  it("uses the environment's deploy.waitTimeout when no flag is given", async () => {
    const r = await apply();
    expect(r.code).toBe(4);
    const outcome = JSON.parse(r.out).outcomes[0];
    expect(outcome.error).toMatch(/^not RUNNING after 1\.\d s \(gave up waiting/);
  });

  it('a flag wins over the environment', async () => {
    const r = await apply('--wait-timeout', '2s');
    expect(r.code).toBe(4);
    expect(JSON.parse(r.out).outcomes[0].error).toMatch(/^not RUNNING after 2\.\d s \(gave up waiting/);
  });

  it('a malformed setting is refused when kcops.yaml is read, naming the key', async () => {
    writeFileSync(
      join(dir, 'kcops.yaml'),
      [
        'project: shop',
        'environments:',
        '  prod:',
        "    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:1'] } }",
        '    deploy: { settle: soon }',
        '',
      ].join('\n'),
    );
    const r = await apply();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/PROJECT_INVALID/);
    expect(r.err).toMatch(/environments\.prod\.deploy\.settle/);
    expect(r.err).toMatch(/a duration like 2s, 30s or 1m/);
  });
});
