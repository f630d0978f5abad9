import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { FakeSlack } from '../../fakes/fake-alert-receivers.js';

/**
 * `kcops monitor` (the built CLI, `npm run build`) as a service against the fake Connect and a strict Slack stand-in:
 * rounds, /healthz, /readyz and /metrics, alerts once per failure, one active instance per environment (lease), a
 * standby taking over after SIGTERM (lease released) and after SIGKILL (lease expired), state kept across instances.
 */
const BIN = new URL('../../../bin/kcops.js', import.meta.url).pathname;
const SRC = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
let fake: FakeConnect;
let slack: FakeSlack;
let dir: string;
let failing: Set<string>;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

beforeEach(async () => {
  fake = new FakeConnect({ startDelayMs: 0 });
  failing = new Set();
  fake.failTasks({ match: (n) => failing.has(n), afterMs: 0, trace: 'java.lang.IllegalStateException: boom' });
  const url = await fake.listen();
  slack = new FakeSlack();
  const hook = await slack.listen('/services/T0/B0/monitorS3cret');
  dir = mkdtempSync(join(tmpdir(), 'kcops-monitor-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: shop',
      'environments:',
      '  prod:',
      `    cluster: { type: self-managed, connect: { urls: ['${url}'] } }`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'kcops.observability.yaml'),
    ['prod:', '  alerts:', '    destinations:', "      - { type: slack, webhookUrl: '${env:SLACK_HOOK}' }", ''].join(
      '\n',
    ),
  );
  env = { ...process.env, NO_COLOR: '1', SLACK_HOOK: hook, KCOPS_AUDIT_FILE: '' };
  fake.seed('payments-a', { 'connector.class': SRC, topic: 'orders' });
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all([fake.close(), slack.close()]);
});

interface Running {
  child: ChildProcess;
  url: Promise<string>;
  lines: () => Record<string, unknown>[];
  exited: Promise<number | null>;
}

function start(...extra: string[]): Running {
  const child = spawn(
    process.execPath,
    [BIN, 'monitor', '--env', 'prod', '-o', 'json', '--interval', '1s', '--listen', '127.0.0.1:0', ...extra],
    { cwd: dir, env },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /serving (http:\/\/[^/\s]+)\/healthz/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`monitor exited: ${err}`)));
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    url,
    exited,
    lines: () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
};

describe('kcops monitor', () => {
  it('--once: one round as one JSON line, exit 0 when healthy and 1 with an open alert', async () => {
    const once = (): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const c = spawn(process.execPath, [BIN, 'monitor', '--env', 'prod', '--once', '-o', 'json'], { cwd: dir, env });
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.on('exit', (code) => resolve({ code, out }));
      });
    const healthy = await once();
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.out)).toMatchObject({ kind: 'round', active: true, env: 'prod', open: [] });
    failing.add('payments-a');
    const sick = await once();
    expect(sick.code).toBe(1);
    expect(JSON.parse(sick.out).open).toHaveLength(1);
    expect(slack.received).toHaveLength(1);
    expect(existsSync(join(dir, '.kcops', 'alerts', 'prod.lease'))).toBe(false);
  }, 30_000);

  it('serves health and metrics, alerts once, and a standby takes over after SIGTERM without alerting again', async () => {
    const a = start();
    const url = await a.url;
    await until('first round', () => a.lines().find((l) => l.kind === 'round'));
    expect((await get(`${url}/healthz`)).status).toBe(200);
    expect((await get(`${url}/readyz`)).status).toBe(200);
    const m1 = (await get(`${url}/metrics`)).text;
    expect(m1).toContain('kcops_connector_state{env="prod",connector="payments-a",state="RUNNING"} 1');
    expect(m1).toContain('kcops_monitor_active{env="prod"} 1');
    expect(m1).toMatch(/kcops_collections_total\{env="prod",result="ok"\} [1-9]/);

    failing.add('payments-a');
    await until('the alert', () => slack.received.length === 1 || undefined);
    const m2 = (await get(`${url}/metrics`)).text;
    expect(m2).toContain('kcops_task_state{env="prod",connector="payments-a",task="0",state="FAILED"} 1');
    expect(m2).toContain('kcops_open_alerts{env="prod"} 1');
    expect(m2).toContain(
      'kcops_alert_deliveries_total{env="prod",destination="slack",type="slack",action="trigger",result="sent"} 1',
    );
    expect(m2).not.toContain('monitorS3cret');

    const b = start();
    const urlB = await b.url;
    await until('standby', () => b.lines().find((l) => l.kind === 'standby'));
    expect((await get(`${urlB}/readyz`)).status).toBe(503);
    expect((await get(`${urlB}/healthz`)).status).toBe(200);

    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    await until('takeover', () => b.lines().find((l) => l.kind === 'round'));
    expect((await get(`${urlB}/readyz`)).status).toBe(200);
    // The state file told the new instance that Slack already knows: nothing is sent twice.
    await new Promise((r) => setTimeout(r, 1500));
    expect(slack.received).toHaveLength(1);

    failing.delete('payments-a');
    await until('the recovery', () => slack.received.length === 2 || undefined);
    expect(JSON.stringify(slack.received[1])).toContain('recovered');
    expect(JSON.parse(readFileSync(join(dir, '.kcops', 'alerts', 'prod.json'), 'utf8'))).toMatchObject({ alerts: {} });
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 60_000);

  it('a killed holder is replaced once its lease runs out', async () => {
    const a = start('--lease-ttl', '3s');
    await a.url;
    await until('first round', () => a.lines().find((l) => l.kind === 'round'));
    const b = start('--lease-ttl', '3s');
    await b.url;
    await until('standby', () => b.lines().find((l) => l.kind === 'standby'));
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until('takeover', () => b.lines().find((l) => l.kind === 'round'), 10_000);
    expect(Date.now() - killedAt).toBeLessThan(6_000);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 60_000);

  it('refuses a --listen that is not host:port (exit 2)', async () => {
    const c = spawn(process.execPath, [BIN, 'monitor', '--env', 'prod', '--listen', 'nine'], { cwd: dir, env });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => c.on('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('--listen');
  });
});
