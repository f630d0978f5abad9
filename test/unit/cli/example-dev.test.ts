import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCredentials, writeSecretFile, type Credentials } from '../../../src/dev/credentials.js';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { runCli } from '../../support/run-cli.js';

/**
 * The example repository's `dev` environment in a shell with no KCOPS_* variable but the dev home (issue #20 §2):
 * credentials come from the dev home's credentials file, logs from its worker log files, counters from the metrics
 * endpoints. The example is copied with the worker and metrics URLs pointed at stand-ins, nothing else changed.
 */
const EXAMPLE = join(import.meta.dirname, '../../../examples/kafka-connect-configs');
const SRC = 'io.debezium.connector.postgresql.PostgresConnector';

let fake: FakeConnect;
let metrics: Server;
let dir: string;
let home: string;
let creds: Credentials;

const cli = (...argv: string[]) => runCli(argv, { cwd: dir, env: { KCOPS_DEV_HOME: home } });

/** log4j's `[%d] %p %X{connector.context}%m (%c:%L)%n` with this machine's local time, as the workers write it. */
function logLine(context: string, message: string): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const time = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
  return `[${time}] INFO ${context}${message} (org.example.Task:42)`;
}

beforeEach(async () => {
  creds = generateCredentials();
  home = mkdtempSync(join(tmpdir(), 'kcops-example-dev-home-'));
  writeSecretFile(join(home, 'credentials.json'), JSON.stringify(creds));
  mkdirSync(join(home, 'logs'));
  writeFileSync(
    join(home, 'logs', 'worker-1.log'),
    [
      logLine('[payments-orders-cdc|task-0] ', 'Processing messages'),
      logLine('[payments-orders-jdbc-sink|task-0] ', 'a line of another connector'),
      '',
    ].join('\n'),
  );
  writeFileSync(join(home, 'logs', 'worker-2.log'), logLine('[payments-orders-cdc|worker] ', 'Starting') + '\n');

  fake = new FakeConnect({ startDelayMs: 0, auth: creds.connect });
  const url = await fake.listen();
  metrics = createServer((_req, res) =>
    res.end(
      'kafka_connect_source_task_source_record_poll{connector="payments-orders-cdc",task="0"} 50.0\n' +
        'kafka_connect_source_task_source_record_write{connector="payments-orders-cdc",task="0"} 48.0\n',
    ),
  );
  await new Promise<void>((r) => metrics.listen(0, '127.0.0.1', r));
  const metricsUrl = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`;

  dir = mkdtempSync(join(tmpdir(), 'kcops-example-dev-'));
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes('.kcops') });
  const yaml = readFileSync(join(dir, 'kcops.yaml'), 'utf8');
  writeFileSync(join(dir, 'kcops.yaml'), yaml.replace(/http:\/\/127\.0\.0\.1:2808[34]/g, url));
  const obs = readFileSync(join(dir, 'kcops.observability.yaml'), 'utf8');
  writeFileSync(
    join(dir, 'kcops.observability.yaml'),
    obs.replace(/http:\/\/127\.0\.0\.1:2940[45]\/metrics/g, metricsUrl),
  );
});
afterEach(async () => {
  await fake.close();
  await new Promise((r) => metrics.close(r));
});

describe('examples/kafka-connect-configs: the dev environment with nothing exported', () => {
  it('plan authenticates with the password of the dev home credentials file', async () => {
    const r = await cli('plan', '--env', 'dev', '-o', 'json');
    expect(r.code, r.err).toBe(0);
    expect((r.json as { changes: { action: string }[] }).changes.map((c) => c.action)).toEqual([
      'create',
      'create',
      'create',
    ]);
    expect(r.out + r.err).not.toContain(creds.connect.password);
  });

  it("connect logs reads the dev home's worker log files: that connector's lines only, from both workers", async () => {
    const r = await cli('connect', 'logs', 'payments-orders-cdc', '--env', 'dev');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('worker-1 | ');
    expect(r.out).toContain('Processing messages');
    expect(r.out).toContain('worker-2 | ');
    expect(r.out).not.toContain('another connector');
  });

  it("connect metrics shows the counters of the workers' metrics endpoints", async () => {
    fake.seed('payments-orders-cdc', { 'connector.class': SRC });
    const r = await cli('connect', 'metrics', 'payments-orders-cdc', '--env', 'dev', '--no-lag', '-o', 'json');
    expect(r.code, r.err).toBe(0);
    expect(r.json.metrics.totals.source).toMatchObject({ polled: 50, written: 48 });
    expect(r.json.notes).toEqual([]);
  });

  it('alerts check reports a failed task and exits 1; with no destinations it sends nothing and says so', async () => {
    fake.seed('payments-orders-cdc', { 'connector.class': SRC });
    expect((await cli('alerts', 'check', '--env', 'dev')).code).toBe(0);
    fake.failTasks({ match: (n) => n === 'payments-orders-cdc', afterMs: 0, trace: 'java.lang.IllegalStateException' });
    fake.seed('payments-orders-cdc', { 'connector.class': SRC });
    const r = await cli('alerts', 'check', '--env', 'dev');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain('payments-orders-cdc');
    expect(r.out).toContain('No destinations configured (alerts.destinations): nothing sent.');
  });

  it('without a dev stack in the dev home: SECRET_UNRESOLVED naming the file and `kcops dev up`', async () => {
    rmSync(join(home, 'credentials.json'));
    const r = await cli('plan', '--env', 'dev');
    expect(r.code).toBe(1);
    expect(r.err).toContain('SECRET_UNRESOLVED');
    expect(r.err).toContain(join(home, 'credentials.json'));
    expect(r.err).toContain('kcops dev up');
  });
});
