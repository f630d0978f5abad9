import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import type { Violation } from '../../fakes/confluent-cloud/openapi-contract.js';
import type { FakeConfluentCloud } from '../../fakes/confluent-cloud/server.js';
import { runCli } from '../../support/run-cli.js';
import { cloudProjectYaml } from '../../fakes/confluent-cloud/project.js';

/** A `prod` environment of type confluent-cloud, driven through the CLI (plan / apply / drift / connect) against the stand-in. */
let cloud: FakeConfluentCloud;
let violations: Violation[];
let dir: string;

const ENV = {
  NO_COLOR: '1',
  CCLOUD_API_KEY: 'CLOUDKEY1234',
  CCLOUD_API_SECRET: 'cloud-secret-value',
  KAFKA_API_KEY: 'KAFKAKEY1',
  KAFKA_API_SECRET: 'kafka-secret-1',
  AWS_SECRET: 'aws-secret-1',
};

const cli = (...argv: string[]) =>
  runCli(argv, { cwd: dir, env: { ...ENV, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });

function writeConnector(topics: string) {
  const config = {
    'connector.class': 'S3_SINK',
    'kafka.auth.mode': 'KAFKA_API_KEY',
    'kafka.api.key': '${kcops-env:KAFKA_API_KEY}',
    'kafka.api.secret': '${kcops-env:KAFKA_API_SECRET}',
    'aws.access.key.id': 'AKIAFAKE',
    'aws.secret.access.key': '${kcops-env:AWS_SECRET}',
    topics,
    's3.bucket.name': 'lake',
    'input.data.format': 'JSON',
    'output.data.format': 'JSON',
    'time.interval': 'HOURLY',
    'errors.deadletterqueue.topic.name': 'dlq-payments-orders-s3',
    'tasks.max': '1',
  };
  writeFileSync(
    join(dir, 'connectors/prod/payments-orders-s3.json'),
    JSON.stringify({ name: 'payments-orders-s3', config }, null, 2),
  );
}

beforeEach(async () => {
  ({ cloud, violations } = await startCheckedCloud({ provisioningReads: 0 }));
  dir = mkdtempSync(join(tmpdir(), 'kcops-ccloud-'));
  mkdirSync(join(dir, 'connectors/prod'), { recursive: true });
  // No flap grace and no update watch here: these tests are about what follows a FAILED, not about waiting.
  writeFileSync(join(dir, 'kcops.yaml'), cloudProjectYaml(cloud, ['      wait: { flapWindow: 0s, updateWatch: 0s }']));
  writeConnector('orders');
});

function commitAll(message: string) {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  if (!existsSync(join(dir, '.git'))) git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', message);
}
afterEach(async () => cloud.stop());

describe('a confluent-cloud environment through plan / apply / drift / connect', () => {
  it('plans, applies through a 429 storm with secrets resolved only in the request, and shows no drift from masks', async () => {
    const plan = await cli('plan', '--env', 'prod', '-o', 'json');
    expect(plan.code, plan.err).toBe(0);
    expect(JSON.parse(plan.out).changes).toMatchObject([{ connector: 'payments-orders-s3', action: 'create' }]);

    cloud.rateLimitStorm(2, 1);
    const apply = await cli(
      'apply',
      '--env',
      'prod',
      '--auto-approve',
      '--settle',
      '0s',
      '--wait-timeout',
      '10s',
      '-o',
      'json',
    );
    expect(apply.code, apply.err).toBe(0);
    const stored = cloud.connectors.get('payments-orders-s3')!.config;
    expect(stored).toMatchObject({ 'kafka.api.secret': 'kafka-secret-1', 'aws.secret.access.key': 'aws-secret-1' });
    for (const text of [plan.out, plan.err, apply.out, apply.err]) {
      expect(text).not.toContain('kafka-secret-1');
      expect(text).not.toContain('aws-secret-1');
      expect(text).not.toContain('cloud-secret-value');
    }
    expect(cloud.exchanges.filter((x) => x.status === 429)).toHaveLength(2);

    // Cloud returns the secrets masked and adds its own keys: that is no drift.
    const drift = await cli('drift', '--env', 'prod', '--detailed-exitcode');
    expect(drift.code, drift.out + drift.err).toBe(0);

    writeConnector('orders,returns');
    const plan2 = await cli('plan', '--env', 'prod', '-o', 'json');
    const change = JSON.parse(plan2.out).changes[0] as { action: string; fields: { key: string }[] };
    expect(change.action).toBe('update');
    expect(change.fields.map((f) => f.key)).toEqual(['topics']);
    expect(violations).toEqual([]);
  });

  it('rolls back a create that ends FAILED on Cloud (exit 4), and an update that fails, its masked secrets taken from the previous commit', async () => {
    cloud.failNewConnectors =
      'There were some errors with your configuration:\nkafka.api.secret: Provided Kafka ApiKey is invalid';
    const r = await cli(
      'apply',
      '--env',
      'prod',
      '--auto-approve',
      '--settle',
      '0s',
      '--wait-timeout',
      '10s',
      '-o',
      'json',
    );
    expect(r.code, r.err).toBe(4);
    expect(cloud.connectors.has('payments-orders-s3')).toBe(false);
    expect(r.out).toContain('Provided Kafka ApiKey is invalid');

    cloud.failNewConnectors = undefined;
    commitAll('orders');
    expect(
      (await cli('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s')).code,
    ).toBe(0);
    // An update that lands and then fails: Cloud returns the secrets masked, so the rollback takes them (as references,
    // resolved when sent) from the commit the audit log says was applied. (Issue #21 item 5.)
    writeConnector('orders,returns');
    commitAll('orders and returns');
    let broken = false;
    cloud.onExchange((x) => {
      if (broken || x.method !== 'PUT' || !/\/config$/.test(x.url) || x.status !== 200) return;
      broken = true;
      cloud.setState('payments-orders-s3', 'FAILED', 'org.apache.kafka.connect.errors.ConnectException: boom');
    });
    const u = await cli(
      'apply',
      '--env',
      'prod',
      '--auto-approve',
      '--settle',
      '0s',
      '--wait-timeout',
      '10s',
      '-o',
      'json',
    );
    expect(u.code, u.err).toBe(4);
    expect(JSON.parse(u.out).outcomes[0]).toMatchObject({
      result: 'failed',
      rollback: { action: 'restore', result: 'done' },
    });
    const restored = cloud.connectors.get('payments-orders-s3')!.config;
    expect(restored).toMatchObject({
      topics: 'orders',
      'kafka.api.secret': 'kafka-secret-1',
      'aws.secret.access.key': 'aws-secret-1',
    });
    // Never the mask, and no secret printed.
    expect(
      cloud.exchanges.filter((x) => x.method === 'PUT' && String(JSON.stringify(x.requestBody)).includes('****')),
    ).toEqual([]);
    expect(u.out + u.err).not.toContain('aws-secret-1');

    // Without an earlier revision in Git (a repository that is not one): said, never written as a mask.
    writeConnector('orders,returns,refunds');
    const dirGit = join(dir, '.git');
    execFileSync('rm', ['-rf', dirGit]);
    broken = false;
    const v = await cli(
      'apply',
      '--env',
      'prod',
      '--auto-approve',
      '--settle',
      '0s',
      '--wait-timeout',
      '10s',
      '-o',
      'json',
    );
    expect(JSON.parse(v.out).outcomes[0]).toMatchObject({
      result: 'rollback-failed',
      rollback: { result: 'failed', error: expect.stringContaining('masked by the service') },
    });
    expect(cloud.connectors.get('payments-orders-s3')?.config['kafka.api.secret']).toBe('kafka-secret-1');
    expect(violations).toEqual([]);
  });

  it('pause/resume wait, bounded by --wait-timeout, for a state Cloud moves asynchronously (issue 21 item 9)', async () => {
    await cli('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s');
    // A pause that Cloud takes its time over: the command gives up after --wait-timeout and says so (exit 0).
    cloud.transitionMs = 3_600_000;
    const slow = await cli(
      'connect',
      'pause',
      'payments-orders-s3',
      '--env',
      'prod',
      '--wait-timeout',
      '1s',
      '-o',
      'json',
    );
    expect(slow.code, slow.err).toBe(0);
    expect(JSON.parse(slow.out)).toMatchObject({ state: 'RUNNING', reached: false });
    cloud.setState('payments-orders-s3', 'PAUSED');
    const human = await cli(
      'connect',
      'cluster',
      'resume',
      'payments-orders-s3',
      '--environment',
      'prod',
      '--wait-timeout',
      '1s',
    );
    expect(human.out + human.err).toMatch(/asked for RUNNING; it may still be moving/);
    expect(violations).toEqual([]);
  });

  it('runs the day-2 connect commands against Cloud', async () => {
    await cli('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s');
    const list = await cli('connect', 'list', '--env', 'prod', '-o', 'json');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain('payments-orders-s3');
    // Cloud's pause answers 202 and takes effect later (the stand-in: after a status read): the command waits for it.
    const paused = await cli('connect', 'pause', 'payments-orders-s3', '--env', 'prod', '-o', 'json');
    expect(paused.code, paused.err).toBe(0);
    expect(JSON.parse(paused.out)).toMatchObject({ state: 'PAUSED', reached: true });
    expect(cloud.connectors.get('payments-orders-s3')?.state).toBe('PAUSED');
    cloud.addLog('payments-orders-s3', {
      timestamp: new Date(Date.now() - 60_000).toISOString(),
      level: 'ERROR',
      message: 'Access Denied writing to lake',
      task_id: 'task-0',
    });
    const logs = await cli('connect', 'logs', 'payments-orders-s3', '--env', 'prod', '-o', 'json');
    expect(logs.code, logs.err).toBe(0);
    expect(JSON.parse(logs.out)).toMatchObject({
      source: expect.stringContaining('Confluent Cloud logs API'),
      entries: [{ level: 'ERROR', message: 'Access Denied writing to lake' }],
    });
    // With a file source configured as the default, --source confluent-cloud still reads the Cloud logs API.
    writeFileSync(join(dir, 'cloud-worker.log'), '');
    writeFileSync(join(dir, 'kcops.observability.yaml'), 'prod:\n  logs: { type: files, files: [cloud-worker.log] }\n');
    const byFile = await cli('connect', 'logs', 'payments-orders-s3', '--env', 'prod', '-o', 'json');
    expect(JSON.parse(byFile.out)).toMatchObject({ source: expect.stringContaining('cloud-worker.log'), entries: [] });
    const byCloud = await cli('connect', 'logs', 'payments-orders-s3', '--env', 'prod', '--source', 'confluent-cloud');
    expect(byCloud.code, byCloud.err).toBe(0);
    expect(byCloud.out).toContain('Access Denied writing to lake');
    rmSync(join(dir, 'kcops.observability.yaml'));
    cloud.setMetric('payments-orders-s3', 'io.confluent.kafka.connect/received_records', 7200);
    cloud.setMetric('payments-orders-s3', 'io.confluent.kafka.connect/dead_letter_queue_records', 3);
    const metrics = await cli('connect', 'metrics', 'payments-orders-s3', '--env', 'prod', '-o', 'json');
    expect(metrics.code, metrics.err).toBe(0);
    expect(JSON.parse(metrics.out)).toMatchObject({
      state: 'PAUSED',
      metrics: {
        type: 'sink',
        totals: { sink: { read: 7200, put: 7200, putRate: 2 }, errors: { dlqProduceRequests: 3 } },
      },
      notes: [expect.stringContaining('Metrics API')],
      // The hour the totals cover ends where Cloud's ~5-minute-late data does: a field scripts can read.
      window: { from: expect.any(String), to: expect.any(String), lagMs: expect.any(Number) },
    });
    const w = (JSON.parse(metrics.out) as { window: { lagMs: number } }).window;
    expect(w.lagMs).toBeGreaterThanOrEqual(300_000);
    const human = await cli('connect', 'metrics', 'payments-orders-s3', '--env', 'prod');
    expect(human.out + human.err).toMatch(/metrics are about \d+ min behind/);
    // The errors rule on Cloud: 3 DLQ records of 7200 received in the Metrics API's hour is 0.04 %, above 0.01 %.
    const hooks: string[] = [];
    const hook = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        hooks.push(b);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    writeFileSync(
      join(dir, 'kcops.observability.yaml'),
      [
        'prod:',
        '  alerts:',
        '    rules: [{ kind: errors, above: 0.01, minRecords: 100 }]',
        "    destinations: [{ type: slack, webhookUrl: '${kcops-env:SLACK_HOOK_URL}' }]",
        '',
      ].join('\n'),
    );
    const round = await runCli(['monitor', '--env', 'prod', '--once', '-o', 'json'], {
      cwd: dir,
      env: { ...ENV, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl'), SLACK_HOOK_URL: hookUrl },
    });
    await new Promise<void>((r) => hook.close(() => r()));
    expect(round.code, round.err).toBe(1);
    expect(round.out, round.err).toMatch(
      /payments-orders-s3: 0\.042% of 7200 record\(s\) failed in \S+ → \S+ \(above 0\.01%\)/,
    );
    expect(hooks.join('\n')).toContain('0.042% of 7200 record(s) failed');
    rmSync(join(dir, 'kcops.observability.yaml'));
    expect(violations).toEqual([]);
  });

  it('says what to do when the Cloud API key is wrong or missing', async () => {
    const { code, err } = await runCli(['plan', '--env', 'prod'], {
      cwd: dir,
      env: { ...ENV, CCLOUD_API_SECRET: 'wrong' },
    });
    expect(code).toBe(1);
    expect(err).toContain('CLOUDKEY1234');
    expect(err).toContain('${kcops-env:CCLOUD_API_SECRET}');
    expect(err).not.toContain('wrong');
    writeFileSync(
      join(dir, 'kcops.yaml'),
      readFileSync(join(dir, 'kcops.yaml'), 'utf8').replace(/ *credentials:.*\n/, ''),
    );
    const missing = await cli('plan', '--env', 'prod');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('declares no Cloud API key');
  });
});
