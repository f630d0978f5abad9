import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { runCli } from '../../support/run-cli.js';

/** Worker logs echo configs and server errors: `connect logs` shows them with credentials masked and controls escaped. */
let fake: FakeConnect;
let dir: string;

beforeAll(async () => {
  fake = new FakeConnect({ startDelayMs: 0 });
  const url = await fake.listen();
  fake.seed('payments-a', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector' });
  dir = mkdtempSync(join(tmpdir(), 'kcops-logs-redaction-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    `project: t\nenvironments:\n  prod:\n    cluster: { type: self-managed, connect: { urls: ['${url}'] } }\n`,
  );
  const log = join(dir, 'worker-1.log');
  writeFileSync(
    log,
    [
      '[2026-11-23 21:10:00,001] INFO [payments-a|worker] SinkConnectorConfig values: ',
      '\tconnection.url = jdbc:postgresql://app:CnryLog1Q@db:5432/app',
      '\tdatabase.password = CnryLog2Q',
      '\tsasl.jaas.config = x.PlainLoginModule required username="u" password="CnryLog3Q";',
      ' (org.apache.kafka.common.config.AbstractConfig:370)',
      '[2026-11-23 21:10:01,000] ERROR [payments-a|task-0] Invalid value CnryLog4Q for configuration database.password: bad \u001b[2J\u202e (org.apache.kafka.connect.runtime.WorkerTask:234)',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'kcops.observability.yaml'), `prod:\n  logs: { type: files, files: [${log}] }\n`);
});
afterAll(() => fake.close());

describe('kcops connect logs', () => {
  it.each([['human'], ['json']])('-o %s shows the entries without their credentials', async (o) => {
    const r = await runCli(['connect', 'logs', 'payments-a', '--env', 'prod', '-o', o], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Invalid value ********');
    expect(r.out).not.toMatch(/CnryLog/);
    // eslint-disable-next-line no-control-regex -- escaped, never raw
    if (o === 'human') expect(r.out).not.toMatch(/[\u001b\u202e]/);
  });
});
