import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBackendProvider } from '../../../src/core/environment/open.js';
import { selfManaged } from '../../../src/core/environment/providers/self-managed.js';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { runCli } from '../../support/run-cli.js';

/**
 * Every command that opens an environment closes it (issue 11: the GitOps handlers never closed the cluster). The
 * real self-managed provider is wrapped to count what it opened and closed.
 */
const fake = new FakeConnect({ startDelayMs: 0 });
let dir = '';
const counts = { opened: 0, closed: 0 };

beforeAll(async () => {
  const url = await fake.listen();
  registerBackendProvider('self-managed', async () => ({
    open(t, o) {
      const parts = selfManaged.open(t, o);
      counts.opened++;
      return { ...parts, close: () => (counts.closed++, parts.close()) };
    },
  }));
  dir = mkdtempSync(join(tmpdir(), 'kcops-close-'));
  mkdirSync(join(dir, 'connectors', 'prod'), { recursive: true });
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
});
afterAll(() => fake.close());

describe('commands close the environment they open', () => {
  it.each([
    [['plan', '--env', 'prod']],
    [['drift', '--env', 'prod']],
    [['apply', '--env', 'prod', '--auto-approve']],
    [['connect', 'list', '--env', 'prod']],
    [['connect', 'status', 'payments-missing', '--env', 'prod']],
  ])('%j', async (argv) => {
    const before = { ...counts };
    await runCli([...argv, '-o', 'json'], { cwd: dir, env: { KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });
    expect(counts.opened - before.opened).toBe(1);
    expect(counts.closed - before.closed).toBe(1);
  });
});
