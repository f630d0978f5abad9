import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { FakeElasticsearch } from '../../fakes/fake-elasticsearch.js';
import { runCli } from '../../support/run-cli.js';

/**
 * `connect logs --source <type>`: an environment may list several log sources in kcops.observability.yaml (the first
 * is the default); the flag picks another, and a source the environment does not have is an error naming those it has.
 */
let fake: FakeConnect;
let es: FakeElasticsearch;
let dir: string;
let esUrl: string;
const T = Date.now() - 60_000;
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');

beforeAll(async () => {
  fake = new FakeConnect({ startDelayMs: 0 });
  const url = await fake.listen();
  fake.seed('payments-a', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector' });
  es = new FakeElasticsearch();
  esUrl = await es.listen();
  es.index('kcops-connect-logs', {
    '@timestamp': new Date(T).toISOString(),
    message: `[${stamp(T)}] ERROR [payments-a|task-0] from elasticsearch (org.example.X:1)`,
    host: { name: 'worker-2' },
    log: { offset: 1 },
  });
  dir = mkdtempSync(join(tmpdir(), 'kcops-logs-source-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: t',
      'environments:',
      `  prod: { cluster: { type: self-managed, connect: { urls: ['${url}'] } } }`,
      `  stage: { cluster: { type: self-managed, connect: { urls: ['${url}'] } } }`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'worker-1.log'), `[${stamp(T)}] INFO [payments-a|task-0] from the file (org.example.X:1)\n`);
  writeFileSync(
    join(dir, 'kcops.observability.yaml'),
    [
      'prod:',
      '  logs:',
      '    - { type: files, files: [worker-1.log], utcOffsetMinutes: 0 }',
      `    - { type: elasticsearch, url: "${esUrl}", index: kcops-connect-logs }`,
      'stage:',
      '  logs: { type: files, files: [worker-1.log], utcOffsetMinutes: 0 }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await fake.close();
  await es.close();
});

const logs = (...extra: string[]) =>
  runCli(['connect', 'logs', 'payments-a', '--since', '10m', '-o', 'json', ...extra], { cwd: dir });

describe('kcops connect logs --source', () => {
  it('reads the first listed source by default, and the one --source names otherwise', async () => {
    const byDefault = await logs('--env', 'prod');
    expect(byDefault.code, byDefault.err).toBe(0);
    expect(byDefault.json.source).toContain('worker-1.log');
    expect(byDefault.json.entries.map((e: { message: string }) => e.message)).toEqual(['from the file']);

    const fromEs = await logs('--env', 'prod', '--source', 'elasticsearch');
    expect(fromEs.code, fromEs.err).toBe(0);
    expect(fromEs.json.source).toBe(`Elasticsearch kcops-connect-logs (${esUrl})`);
    expect(fromEs.json.entries).toMatchObject([{ level: 'ERROR', message: 'from elasticsearch', source: 'worker-2' }]);

    // `file` and `files` are the same source; a single (not listed) source can be named too.
    for (const [env, name] of [
      ['prod', 'file'],
      ['stage', 'files'],
    ] as const) {
      const r = await logs('--env', env, '--source', name);
      expect(r.code, r.err).toBe(0);
      expect(r.json.entries.map((e: { message: string }) => e.message)).toEqual(['from the file']);
    }
  });

  it('a source the environment does not have is an error naming those it has, with a hint', async () => {
    const cw = await logs('--env', 'prod', '--source', 'cloudwatch');
    expect(cw.code).toBe(1);
    expect(cw.err).toContain("Environment 'prod' has no cloudwatch log source. It has: files, elasticsearch.");
    expect(cw.err).toContain('logs may be a list of sources (the first is the default)');

    const es2 = await logs('--env', 'stage', '--source', 'elasticsearch');
    expect(es2.code).toBe(1);
    expect(es2.err).toContain("Environment 'stage' has no elasticsearch log source. It has: files.");

    const cc = await logs('--env', 'prod', '--source', 'confluent-cloud');
    expect(cc.code).toBe(1);
    expect(cc.err).toContain("Environment 'prod' is a self-managed cluster");

    const bad = await logs('--env', 'prod', '--source', 'splunk');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('splunk');
  });

  it('-o json errors carry the code', async () => {
    const r = await logs('--env', 'stage', '--source', 'cloudwatch');
    expect(r.err).toContain('"LOGS_NOT_CONFIGURED"');
  });
});
