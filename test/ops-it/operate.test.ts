import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { FileLogSource } from '../../src/core/observe/file-log-source.js';

/**
 * Day-2 commands on a running dev stack (issue 5 §5), through the real CLI entry point. Needs:
 *   KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE, KCOPS_TEST_LOGS_DIR, KCOPS_TEST_METRICS_URLS
 *   [KCOPS_TEST_KAFKA_BOOTSTRAP=127.0.0.1:29092]
 * e.g. for `kcops dev up` in ~/.kcops/dev:
 *   KCOPS_TEST_CONNECT_URLS=http://127.0.0.1:28083,http://127.0.0.1:28084 KCOPS_TEST_CREDENTIALS_FILE=$HOME/.kcops/dev/credentials.json \
 *   KCOPS_TEST_LOGS_DIR=$HOME/.kcops/dev/logs KCOPS_TEST_METRICS_URLS=http://127.0.0.1:29404/metrics,http://127.0.0.1:29405/metrics \
 *   npx vitest run --project ops-it
 */
const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const credsFile = process.env.KCOPS_TEST_CREDENTIALS_FILE;
const logsDir = process.env.KCOPS_TEST_LOGS_DIR;
const metricsUrls = process.env.KCOPS_TEST_METRICS_URLS?.split(',').filter(Boolean) ?? [];
const bootstrap = process.env.KCOPS_TEST_KAFKA_BOOTSTRAP ?? '127.0.0.1:29092';
const enabled = urls.length > 0 && !!credsFile && !!logsDir && metricsUrls.length > 0;

const id = Math.random().toString(36).slice(2, 7);
const N = (s: string) => `payments-opsit-${id}-${s}`;
const SA = (dir: string) => `\${file:${dir}/secrets/kafka-sa-payments.properties:sasl.jaas.config}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!enabled)('day-2 operations on the dev stack', () => {
  const creds = enabled
    ? (JSON.parse(readFileSync(credsFile!, 'utf8')) as {
        connect: { username: string; password: string };
        kafka: { admin: { username: string; password: string } };
      })
    : undefined;
  const home = enabled ? join(credsFile!, '..') : '';
  const work = mkdtempSync(join(tmpdir(), 'kcops-opsit-'));
  const cluster = enabled ? new SelfManagedCluster({ urls, auth: creds!.connect }) : undefined;
  const created: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPSIT_CONNECT_PW: creds?.connect.password ?? '',
    OPSIT_KAFKA_PW: creds?.kafka.admin.password ?? '',
    KCOPS_AUDIT_FILE: join(work, 'audit.jsonl'),
  };

  function writeRepo(connectUrls: string[], pwVar = 'OPSIT_CONNECT_PW') {
    const yaml = [
      'project: ops-it',
      'environments:',
      '  dev:',
      '    cluster:',
      '      type: self-managed',
      `      connect: { urls: [${connectUrls.join(', ')}], auth: { username: ${creds!.connect.username}, password: "\${env:${pwVar}}" } }`,
      `    kafka: { bootstrapServers: ["${bootstrap}"], sasl: { mechanism: PLAIN, username: ${creds!.kafka.admin.username}, password: "\${env:OPSIT_KAFKA_PW}" } }`,
    ].join('\n');
    writeFileSync(join(work, 'kcops.yaml'), yaml + '\n');
  }
  const obs = [
    'dev:',
    `  logs: { type: files, files: [${logsDir}/worker-1.log, ${logsDir}/worker-2.log] }`,
    `  metrics: { prometheusUrls: [${metricsUrls.join(', ')}] }`,
  ].join('\n');

  const kcops = (...argv: string[]) => runCli(argv, { cwd: work, env });

  async function create(name: string, config: Record<string, string>) {
    created.push(name);
    await cluster!.updateConfig(name, config);
  }
  async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await f().catch(() => undefined);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(500);
    }
  }

  beforeAll(() => {
    writeRepo(urls);
    writeFileSync(join(work, 'kcops.observability.yaml'), obs + '\n');
  });
  afterAll(async () => {
    for (const n of created) await cluster!.delete(n).catch(() => undefined);
  });

  it('list, describe and status show a source connector; logs --follow sees its first line within 5 s', async () => {
    const file = join(work, 'orders.txt');
    writeFileSync(file, 'a\nb\nc\n');
    const name = N('src');
    const source = new FileLogSource({
      files: [join(logsDir!, 'worker-1.log'), join(logsDir!, 'worker-2.log')],
      pollMs: 200,
    });
    const ac = new AbortController();
    let firstSeen = 0;
    const following = source.follow({ connector: name }, () => (firstSeen ||= Date.now()), ac.signal);
    const t0 = Date.now();
    await create(name, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      file,
      topic: `payments.opsit-${id}`,
      'producer.override.sasl.jaas.config': SA(home),
    });
    await until('a log line', async () => firstSeen > 0, 10_000);
    ac.abort();
    await following;
    expect(firstSeen - t0).toBeLessThan(5000);

    const st = await until('RUNNING', async () => {
      const r = await kcops('connect', 'status', name, '-o', 'json');
      return r.json?.tasks?.[0]?.state === 'RUNNING' && r;
    });
    expect(st.code).toBe(0);
    const list = await kcops('connect', 'list', '--regex', `^payments-opsit-${id}`, '-o', 'json');
    expect(list.json.connectors.map((c: { name: string }) => c.name)).toContain(name);
    const d = await kcops('connect', 'describe', name, '-o', 'json');
    expect(d.json.config['producer.override.sasl.jaas.config']).toContain('${file:');
    expect(d.json.class).toBe('org.apache.kafka.connect.file.FileStreamSourceConnector');
  });

  it('restart --failed-only restarts only the failed task, not the connector', async () => {
    const name = N('badsink');
    await create(name, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      file: '/nonexistent-dir/out.txt',
      topics: `payments.opsit-${id}`,
      'consumer.override.sasl.jaas.config': SA(home),
    });
    await until('a FAILED task', async () => (await cluster!.status(name))?.tasks[0]?.state === 'FAILED');
    const r = await kcops('connect', 'restart', name, '--include-tasks', '--failed-only', '-o', 'json');
    expect(r.code).toBe(1); // still failing: the file cannot be created
    expect(r.json.restarted[0].restarted).toEqual({ connector: false, tasks: [0] });
    expect(readFileSync(join(work, 'audit.jsonl'), 'utf8')).toContain(`"action":"ops:restart"`);
  });

  it('offsets alter on a stopped FileStream source takes effect (the file is read again)', async () => {
    const file = join(work, 'replay.txt');
    writeFileSync(file, '1\n2\n3\n4\n5\n');
    const name = N('replay');
    await create(name, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      file,
      topic: `payments.opsit-${id}`,
      'producer.override.sasl.jaas.config': SA(home),
    });
    await until(
      'offsets',
      async () => ((await cluster!.getOffsets(name))[0]?.offset as { position?: number } | null)?.position === 10,
    );
    const refused = await kcops('connect', 'offsets', 'alter', name, '--offsets-file', file);
    expect(refused.code).not.toBe(0);
    expect((await kcops('connect', 'stop', name)).code).toBe(0);
    const got = await kcops('connect', 'offsets', 'get', name, '-o', 'json');
    const offsetsFile = join(work, 'offsets.json');
    writeFileSync(
      offsetsFile,
      JSON.stringify({
        offsets: got.json.offsets.map((o: { partition: unknown }) => ({
          partition: o.partition,
          offset: { position: 6 },
        })),
      }),
    );
    const alter = await kcops('connect', 'offsets', 'alter', name, '--offsets-file', offsetsFile);
    expect(alter.code, alter.err).toBe(0);
    expect((await cluster!.getOffsets(name))[0]?.offset).toEqual({ position: 6 });
    expect((await kcops('connect', 'resume', name)).code).toBe(0);
    // From position 6 the task reads lines 4 and 5 again: its (fresh) poll counter says 2.
    await until('2 records re-read', async () => {
      const m = await kcops('connect', 'metrics', name, '-o', 'json', '--no-lag');
      return m.json?.metrics?.totals?.source?.polled === 2;
    });
  });

  it("one connector's logs hold no line of another's (even with a shared name prefix)", async () => {
    const a = N('src');
    const b = N('src2');
    await create(b, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      file: join(work, 'orders.txt'),
      topic: `payments.opsit-${id}`,
      'producer.override.sasl.jaas.config': SA(home),
    });
    await until('b running', async () => (await cluster!.status(b))?.tasks[0]?.state === 'RUNNING');
    const r = await kcops('connect', 'logs', a, '-n', '1000', '-o', 'json');
    expect(r.json.entries.length).toBeGreaterThan(0);
    for (const e of r.json.entries) expect(e.connector).toBe(a);
    const lifecycle = await kcops('connect', 'logs', a, '--category', 'lifecycle', '-o', 'json');
    expect(lifecycle.json.entries.length).toBeGreaterThan(0);
  });

  it('metrics show records after data flows and sink lag falling to zero', async () => {
    const topic = `payments.opsit-${id}-flow`;
    const input = join(work, 'flow.txt');
    writeFileSync(input, Array.from({ length: 20 }, (_, i) => `r${i}`).join('\n') + '\n');
    await create(N('flow-src'), {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      file: input,
      topic,
      'producer.override.sasl.jaas.config': SA(home),
    });
    const sink = N('flow-sink');
    await create(sink, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      file: join(work, 'flow-out.txt'),
      topics: topic,
      'consumer.override.sasl.jaas.config': SA(home),
    });
    const m = await until(
      'sink caught up',
      async () => {
        const r = await kcops('connect', 'metrics', sink, '-o', 'json');
        const v = r.json;
        return v?.metrics?.totals?.sink?.read >= 20 && v.lag && v.lag.partitions.length > 0 && v.lag.total === 0 && v;
      },
      90_000,
    );
    expect(m.metrics.type).toBe('sink');
    appendFileSync(input, 'late\n');
  });

  it('doctor passes, then reports a wrong password and a closed port with the right hints', async () => {
    const ok = await kcops('doctor', '--no-connectors', '-o', 'json');
    expect(ok.code, JSON.stringify(ok.json?.checks?.filter((c: { status: string }) => c.status === 'fail'))).toBe(0);
    writeRepo(urls, 'OPSIT_WRONG_PW');
    env.OPSIT_WRONG_PW = 'wrong-password-0123456789';
    const bad = await kcops('doctor', '--no-connectors', '-o', 'json');
    expect(bad.code).toBe(1);
    expect(bad.json.checks.find((c: { id: string }) => c.id === 'connect.auth')).toMatchObject({
      status: 'fail',
      hint: expect.stringMatching(/Wrong user or password/),
    });
    writeRepo(['http://127.0.0.1:1']);
    const closed = await kcops('doctor', '--no-connectors', '-o', 'json');
    expect(closed.code).toBe(1);
    expect(closed.json.checks.find((c: { id: string }) => c.id === 'connect.tcp')).toMatchObject({
      status: 'fail',
      hint: expect.stringMatching(/Nothing listens/),
    });
    writeRepo(urls);
  });
});
