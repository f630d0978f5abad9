import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { runCli } from '../../support/run-cli.js';

/** `kcops connect cluster ...` (the Confluent CLI verbs) through the CLI against the fake Connect, in a 'prod' env. */
let fake: FakeConnect;
let dir: string;
const SRC = 'org.apache.kafka.connect.file.FileStreamSourceConnector';

const cli = (...argv: string[]) => runCli(argv, { cwd: dir, env: { KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });
const audit = () =>
  readFileSync(join(dir, 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; connector: string; env: string; result: string });

beforeEach(async () => {
  fake = new FakeConnect({ startDelayMs: 0 });
  const url = await fake.listen();
  dir = mkdtempSync(join(tmpdir(), 'kcops-cc-'));
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
  fake.seed('payments-a', { 'connector.class': SRC, topic: 'orders' });
  fake.seed('payments-b', { 'connector.class': SRC, topic: 'orders' });
});
afterEach(() => fake.close());

describe('kcops connect cluster', () => {
  it('create --config-file creates, audits and warns about drift outside dev', async () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ name: 'payments-c', config: { 'connector.class': SRC, topic: 'orders' } }));
    const r = await cli('connect', 'cluster', 'create', '--config-file', file, '--environment', 'prod');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Created connector "payments-c"');
    expect(r.err).toMatch(/not in Git/);
    expect(fake.connectors.has('payments-c')).toBe(true);
    expect(audit()).toMatchObject([
      { action: 'ops:create', connector: 'payments-c', env: 'prod', result: 'succeeded' },
    ]);
    const again = await cli('connect', 'cluster', 'create', '--config-file', file);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    expect(audit()[1]).toMatchObject({ action: 'ops:create', result: 'failed' });
  });

  it('update --config "k=v" overrides a key (Confluent spelling, despite the global --config)', async () => {
    const r = await cli(
      'connect',
      'cluster',
      'update',
      'payments-a',
      '--config',
      'tasks.max=2,topic=new',
      '-o',
      'json',
    );
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ name: 'payments-a', changed: ['tasks.max', 'topic'] });
    expect(fake.connectors.get('payments-a')!.config).toMatchObject({ 'tasks.max': '2', topic: 'new' });
    expect(audit()).toMatchObject([{ action: 'ops:update', connector: 'payments-a', result: 'succeeded' }]);
  });

  it('pause and resume several connectors; delete needs --force and checks every name first', async () => {
    expect((await cli('connect', 'cluster', 'pause', 'payments-a', 'payments-b')).code).toBe(0);
    expect(fake.connectors.get('payments-b')!.target).toBe('PAUSED');
    expect((await cli('connect', 'cluster', 'resume', 'payments-a', 'payments-b')).code).toBe(0);
    expect(fake.connectors.get('payments-a')!.target).toBe('RUNNING');
    const noForce = await cli('connect', 'cluster', 'delete', 'payments-a');
    expect(noForce.code).toBe(2);
    const missing = await cli('connect', 'cluster', 'delete', 'payments-a', 'payments-zz', '--force');
    expect(missing.code).toBe(1);
    expect(fake.connectors.has('payments-a')).toBe(true);
    const del = await cli('connect', 'cluster', 'delete', 'payments-a', 'payments-b', '--force');
    expect(del.code, del.err).toBe(0);
    expect(fake.connectors.size).toBe(0);
    expect(audit().map((x) => `${x.action} ${x.connector}`)).toEqual([
      'ops:pause payments-a',
      'ops:pause payments-b',
      'ops:resume payments-a',
      'ops:resume payments-b',
      'ops:delete payments-a',
      'ops:delete payments-b',
    ]);
  });

  it('list and describe in the Confluent shapes; --cluster must name a known environment', async () => {
    fake.failTasks({ match: (n) => n === 'payments-b', afterMs: 0, trace: 'java.lang.RuntimeException: boom\n\tat x' });
    const before = fake.requests.length;
    const l = await cli('connect', 'cluster', 'list', '-o', 'json');
    expect(l.code, l.err).toBe(0);
    expect(fake.requests.length - before).toBe(1);
    expect(JSON.parse(l.out).connectors).toEqual([
      { id: 'payments-a', name: 'payments-a', status: 'RUNNING', type: 'source', trace: '' },
      {
        id: 'payments-b',
        name: 'payments-b',
        status: 'FAILED',
        type: 'source',
        trace: 'java.lang.RuntimeException: boom',
      },
    ]);
    const d = await cli('connect', 'cluster', 'describe', 'payments-a', '-o', 'json');
    expect(JSON.parse(d.out)).toMatchObject({
      connector: { name: 'payments-a', status: 'RUNNING' },
      tasks: [{ task_id: 0, state: 'RUNNING' }],
    });
    expect(JSON.parse(d.out).configs).toContainEqual({ config: 'topic', value: 'orders' });
    const bad = await cli('connect', 'cluster', 'list', '--cluster', 'lkc-nope');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/lkc-nope/);
  });
});
