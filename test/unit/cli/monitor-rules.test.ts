import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { FakeSlack } from '../../fakes/fake-alert-receivers.js';
import { runCli } from '../../support/run-cli.js';

/**
 * `kcops monitor` with several environments in one process, rules with routing, and the auto-restart policy, through
 * the CLI against two fake Connect clusters and a strict Slack stand-in.
 */
const BIN = new URL('../../../bin/kcops.js', import.meta.url).pathname;
const SRC = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const TRACE = 'org.apache.kafka.connect.errors.ConnectException: boom';
let prod: FakeConnect;
let staging: FakeConnect;
let slack: FakeSlack;
let dir: string;
let env: NodeJS.ProcessEnv;
let failing: Set<string>;

function files(prodAlerts: string[], stagingAlerts: string[] = prodAlerts): void {
  writeFileSync(
    join(dir, 'kcops.observability.yaml'),
    [
      'prod:',
      '  alerts:',
      ...prodAlerts.map((l) => `    ${l}`),
      'staging:',
      '  alerts:',
      ...stagingAlerts.map((l) => `    ${l}`),
      '',
    ].join('\n'),
  );
}
const SLACK = ['destinations:', "  - { type: slack, webhookUrl: '${env:SLACK_HOOK}' }"];

beforeEach(async () => {
  failing = new Set();
  [prod, staging] = [new FakeConnect({ startDelayMs: 0 }), new FakeConnect({ startDelayMs: 0 })];
  for (const f of [prod, staging]) f.failTasks({ match: (n) => failing.has(n), afterMs: 0, trace: TRACE });
  const [p, s] = await Promise.all([prod.listen(), staging.listen()]);
  slack = new FakeSlack();
  const hook = await slack.listen('/services/T0/B0/rulesS3cret');
  dir = mkdtempSync(join(tmpdir(), 'kcops-monitor-rules-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: shop',
      'teams:',
      '  payments: { prefixes: [payments-] }',
      'environments:',
      '  prod:',
      `    cluster: { type: self-managed, connect: { urls: ['${p}'] } }`,
      '  staging:',
      `    cluster: { type: self-managed, connect: { urls: ['${s}'] } }`,
      '',
    ].join('\n'),
  );
  files(SLACK);
  env = { NO_COLOR: '1', SLACK_HOOK: hook, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') };
  for (let i = 0; i < 5; i++) {
    prod.seed(`payments-${i}`, { 'connector.class': SRC, topic: 'orders' });
    staging.seed(`payments-${i}`, { 'connector.class': SRC, topic: 'orders' });
  }
});
afterEach(async () => {
  await Promise.all([prod.close(), staging.close(), slack.close()]);
});

const lists = (f: FakeConnect) =>
  f.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/connectors')).length;

describe('kcops monitor: several environments, rules, auto-restart', () => {
  it('--env prod --env staging --once: one collection (one list request) per cluster, one JSON line per environment', async () => {
    failing.add('payments-3');
    const r = await runCli(['monitor', '--env', 'prod', '--env', 'staging', '--once', '-o', 'json'], { cwd: dir, env });
    expect(r.code, r.err).toBe(1);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { env: string; open: { key: string }[] });
    expect(lines.map((l) => [l.env, l.open.map((a) => a.key)]).sort()).toEqual([
      ['prod', ['task/payments-3/0']],
      ['staging', ['task/payments-3/0']],
    ]);
    expect([lists(prod), lists(staging)]).toEqual([1, 1]);
    expect(prod.requests.find((q) => q.method === 'GET')?.path).toMatch(
      /expand=status.*expand=info|expand=info.*expand=status/,
    );
    const said = slack.received.map((m) => JSON.stringify(m)).join('\n');
    expect(said).toContain('[prod] connector payments-3 task 0 FAILED');
    expect(said).toContain('[staging] connector payments-3 task 0 FAILED');
    expect(slack.received).toHaveLength(2);
    // each environment keeps its own state file; the leases were given up
    expect(JSON.parse(readFileSync(join(dir, '.kcops', 'alerts', 'staging.json'), 'utf8'))).toMatchObject({
      env: 'staging',
      alerts: { 'task/payments-3/0': { severity: 'critical', rule: 'failed' } },
    });
  });

  it('as a service: both environments in one /metrics and /readyz; SIGTERM stops both', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'monitor',
        '--env',
        'prod',
        '--env',
        'staging',
        '-o',
        'json',
        '--interval',
        '1s',
        '--listen',
        '127.0.0.1:0',
      ],
      { cwd: dir, env: { ...process.env, ...env } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        err += d;
        const m = /serving (http:\/\/[^/\s]+)\/healthz/.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(err)));
    });
    try {
      for (let i = 0; i < 100; i++) {
        const ready = await fetch(`${url}/readyz`);
        if (ready.status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const ready = (await (await fetch(`${url}/readyz`)).json()) as { ready: boolean; environments: object };
      expect(ready.ready).toBe(true);
      expect(Object.keys(ready.environments).sort()).toEqual(['prod', 'staging']);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('kcops_monitor_active{env="prod"} 1');
      expect(metrics).toContain('kcops_monitor_active{env="staging"} 1');
      expect(metrics).toContain('kcops_connector_state{env="staging",connector="payments-0",state="RUNNING"} 1');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
    expect(child.exitCode).toBe(0);
    const envs = new Set(
      out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { env: string }).env),
    );
    expect([...envs].sort()).toEqual(['prod', 'staging']);
  }, 30_000);

  it('routing by team and severity: a payments rule goes to its own Slack only; a connector no rule covers does not alert', async () => {
    files(
      [
        'rules:',
        '  - { kind: failed, team: payments, severity: warning, destinations: [payments] }',
        'destinations:',
        "  - { type: slack, name: payments, webhookUrl: '${env:SLACK_HOOK}' }",
        "  - { type: slack, name: platform, webhookUrl: '${env:OTHER_HOOK}' }",
      ],
      SLACK,
    );
    const other = new FakeSlack();
    const otherHook = await other.listen('/services/T0/B0/otherS3cret');
    try {
      prod.seed('analytics-a', { 'connector.class': SRC, topic: 'orders' });
      failing.add('payments-1');
      failing.add('analytics-a');
      const r = await runCli(['alerts', 'check', '--env', 'prod', '-o', 'json'], {
        cwd: dir,
        env: { ...env, OTHER_HOOK: otherHook },
      });
      expect(r.code, r.err).toBe(1);
      // analytics-a is outside every rule: not an alert at all
      expect(r.json.open).toEqual([expect.objectContaining({ key: 'task/payments-1/0', severity: 'warning' })]);
      expect(slack.received).toHaveLength(1);
      expect(JSON.stringify(slack.received[0])).toContain('*Severity:* warning');
      expect(other.received).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('auto-restart: a failed task is restarted at once (audited), and alerting follows when restarts run out', async () => {
    files([...SLACK, 'autoRestart:', '  - { team: payments, maxRestarts: 1 }']);
    failing.add('payments-2');
    const first = await runCli(['alerts', 'check', '--env', 'prod', '-o', 'json'], { cwd: dir, env });
    expect(first.code, first.err).toBe(1);
    expect(first.json.restarts).toEqual([
      { connector: 'payments-2', attempt: 1, failedTasks: [0], connectorFailed: false, result: 'restarted' },
    ]);
    expect(prod.requests.filter((q) => q.method === 'POST').map((q) => q.path)).toEqual([
      '/connectors/payments-2/restart?includeTasks=true&onlyFailed=true',
    ]);
    const audit = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit).toMatchObject([
      { action: 'ops:auto-restart', connector: 'payments-2', env: 'prod', result: 'succeeded' },
    ]);
    expect(audit[0].detail).toContain('"attempt":1');

    // it fails again (the fake fails it at once): no restart left, restarts-exhausted alerts (critical)
    const second = await runCli(['alerts', 'check', '--env', 'prod', '-o', 'json'], { cwd: dir, env });
    expect(second.json.restarts).toEqual([]);
    expect(second.json.open.map((a: { key: string; severity: string }) => [a.key, a.severity])).toEqual([
      ['restarts/payments-2', 'critical'],
      ['task/payments-2/0', 'critical'],
    ]);
    expect(JSON.stringify(slack.received.at(-1))).toContain('still FAILED after 1 automatic restart(s)');

    // fixed by hand: everything resolves
    failing.delete('payments-2');
    const third = await runCli(['alerts', 'check', '--env', 'prod', '-o', 'json'], { cwd: dir, env });
    expect(third.code, third.err).toBe(0);
    expect(JSON.stringify(slack.received.at(-1))).toContain('2 recovered');
  });

  it('flap suppression: openAfter 2 holds back a failure seen once', async () => {
    files([...SLACK, 'openAfter: 2', 'closeAfter: 2']);
    failing.add('payments-0');
    const cli = () => runCli(['alerts', 'check', '--env', 'prod', '-o', 'json'], { cwd: dir, env });
    expect((await cli()).json.open).toEqual([]);
    expect(slack.received).toHaveLength(0);
    expect((await cli()).json.open).toHaveLength(1);
    expect(slack.received).toHaveLength(1);
    failing.delete('payments-0');
    expect((await cli()).json.open).toHaveLength(1); // one good collection is not yet a recovery
    expect((await cli()).json.open).toHaveLength(0);
    expect(JSON.stringify(slack.received.at(-1))).toContain('recovered');
  });
});
