import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { runCli, type CliRun } from '../support/run-cli.js';
import { fileSink, stackFromEnv, TestRepo } from '../support/cli-repo.js';
import { drill, fill } from '../support/runbook-blocks.js';

/**
 * Runbooks as drills (REQ-SUP-001): each test injects the failure a runbook is about into the dev stack, runs the
 * runbook's own `<!-- drill: diagnose -->` commands (parsed from docs/runbooks/*.md, not repeated here) and checks
 * that their output names the cause, then removes the cause, runs the page's `<!-- drill: fix -->` commands and
 * checks that everything recovered. Needs KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE, KCOPS_TEST_LOGS_DIR
 * (as the other ops-it files); the Schema Registry drill also needs a dev stack whose `dev up -o json` reports
 * `schemaRegistry` (KCOPS_TEST_DEV_HOME), and is skipped without one.
 */
const stack = stackFromEnv();
const logsDir = process.env.KCOPS_TEST_LOGS_DIR;
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const enabled = !!stack && !!logsDir;
const id = Math.random().toString(36).slice(2, 7);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** A local port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe.skipIf(!enabled)('runbooks as drills on the dev stack', () => {
  const repo = enabled ? new TestRepo(stack!, `payments-drill-${id}-`) : undefined;
  const cluster = enabled ? new SelfManagedCluster({ urls: stack!.urls, auth: stack!.creds.connect }) : undefined;
  const home = enabled ? join(process.env.KCOPS_TEST_CREDENTIALS_FILE!, '..') : '';
  const created: string[] = [];

  /** Runs a block of the page in order; returns each run (the drills look at all output together). */
  async function run(commands: string[][]): Promise<CliRun[]> {
    const out: CliRun[] = [];
    for (const argv of commands) out.push(await repo!.kcops(...argv));
    return out;
  }
  const text = (runs: CliRun[]) => runs.map((r) => r.out + r.err).join('\n');
  async function taskState(name: string): Promise<string | undefined> {
    return (await cluster!.status(name))?.tasks[0]?.state;
  }
  async function inject(name: string, config: Record<string, string>): Promise<void> {
    created.push(name);
    await cluster!.updateConfig(name, config);
  }

  beforeAll(() => {
    writeFileSync(
      join(repo!.dir, 'kcops.observability.yaml'),
      `dev:\n  logs: { type: files, files: [${logsDir}/worker-1.log, ${logsDir}/worker-2.log] }\n`,
    );
    repo!.commit('observability');
  });
  afterAll(async () => {
    for (const n of created) await cluster!.delete(n).catch(() => undefined);
  });

  it('connector task failures: status and logs name the file; after the cause is gone, restart --failed-only recovers', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kcops-drill-')), 'missing');
    const name = `payments-drill-${id}-task`;
    await inject(name, fileSink(`payments.drill-${id}`, join(dir, 'out.txt')));
    await until('the task to fail', async () => (await taskState(name)) === 'FAILED');

    const diag = await run(fill(drill('failed-task.md', 'diagnose'), { connector: name, env: 'dev' }));
    expect(diag[0]!.code, 'connect status exits 1 on a FAILED task').toBe(1);
    expect(text(diag)).toMatch(/Couldn't find or create file/);
    expect(text(diag)).toContain(dir);

    mkdirSync(dir, { recursive: true }); // the cause: the directory the sink writes to
    const fix = await run(fill(drill('failed-task.md', 'fix'), { connector: name, env: 'dev' }));
    expect(fix.map((r) => r.code)).toEqual([0, 0]);
    expect(await taskState(name)).toBe('RUNNING');
  });

  it('connector deployment failures: validate names the key the workers refuse; the fixed file applies', async () => {
    const name = repo!.put('deploy', { ...fileSink('x', '/tmp/never'), topics: '' });
    created.push(name);
    repo!.commit('a sink without topics');
    const diag = await run(fill(drill('deployment-failures.md', 'diagnose'), { connector: name, env: 'dev' }));
    expect(diag[0]!.code, 'validate fails').toBe(1);
    expect(diag[0]!.out + diag[0]!.err).toMatch(/topics/);
    expect(diag[0]!.out + diag[0]!.err).toContain(`${name}.json`);
    expect(diag[1]!.out, 'the plan would create it').toContain(name);
    expect(diag[2]!.code, 'nothing deployed yet').not.toBe(0);

    const out = join(mkdtempSync(join(tmpdir(), 'kcops-drill-')), 'out.txt');
    repo!.put('deploy', fileSink(`payments.drill-${id}`, out));
    repo!.commit('topics given');
    const fix = await run(fill(drill('deployment-failures.md', 'fix'), { connector: name, env: 'dev' }));
    expect(
      fix.map((r) => r.code),
      text(fix),
    ).toEqual([0, 0]);
    expect(await taskState(name)).toBe('RUNNING');
  });

  it('network connectivity: doctor names the unreachable database of the connector; the fixed URL recovers', async () => {
    const port = await closedPort();
    const name = `payments-drill-${id}-net`;
    const jdbc = (url: string) => ({
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
      'tasks.max': '1',
      topics: `payments.drill-${id}-net`,
      'connection.url': url,
      'connection.username': `\${file:${home}/secrets/postgres.properties:username}`,
      'connection.password': `\${file:${home}/secrets/postgres.properties:password}`,
      'consumer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
    });
    await inject(name, jdbc(`jdbc:postgresql://127.0.0.1:${port}/kcops`));
    await until('the task to fail', async () => (await taskState(name)) === 'FAILED');

    const diag = await run(fill(drill('network-connectivity.md', 'diagnose'), { connector: name, env: 'dev' }));
    const failing = text(diag)
      .split('\n')
      .filter((l) => l.startsWith('FAIL') && l.includes(name));
    expect(failing.join('\n'), text(diag)).toContain(`127.0.0.1:${port}`);
    expect(diag[1]!.code, 'connect status exits 1').toBe(1);

    const ref = (k: string) => `\${file:${home}/secrets/postgres.properties:${k}}`;
    repo!.put('net', jdbc(`jdbc:postgresql://${ref('hostname')}:${ref('port')}/${ref('dbname')}`));
    repo!.commit('the right database');
    const fix = await run(fill(drill('network-connectivity.md', 'fix'), { connector: name, env: 'dev' }));
    expect(fix[0]!.code, text(fix)).toBe(0);
    expect(fix[1]!.code, text(fix)).toBe(0);
    expect(
      fix[2]!.out.split('\n').filter((l) => l.startsWith('FAIL') && l.includes(name)),
      'doctor finds nothing wrong with this connector any more',
    ).toEqual([]);
    await until('RUNNING', async () => (await taskState(name)) === 'RUNNING', 30_000);
  });

  it('authentication: a wrong Connect password is named by doctor and connect list; the right one recovers', async () => {
    const right = repo!.env.GITIT_CONNECT_PW;
    repo!.env.GITIT_CONNECT_PW = 'not-the-password';
    try {
      const diag = await run(fill(drill('auth-errors.md', 'diagnose'), { env: 'dev' }));
      expect(diag.map((r) => r.code)).toEqual([1, 1]);
      expect(diag[0]!.out).toMatch(/^FAIL\s+connect\.auth\b.*401/m);
      expect(diag[0]!.out).toMatch(/Wrong user or password/);
      expect(diag[1]!.err).toMatch(/CONNECT_UNAUTHORIZED|401/);
      expect(text(diag)).not.toContain('not-the-password');
    } finally {
      repo!.env.GITIT_CONNECT_PW = right;
    }
    const fix = await run(fill(drill('auth-errors.md', 'fix'), { env: 'dev' }));
    expect(
      fix.map((r) => r.code),
      text(fix),
    ).toEqual([0, 0]);
  });

  it('authorisation: a topic outside the team prefix shows as TopicAuthorizationException; the prefixed topic recovers', async () => {
    const name = `payments-drill-${id}-acl`;
    const input = join(mkdtempSync(join(tmpdir(), 'kcops-drill-')), 'in.txt');
    writeFileSync(input, 'a\nb\n');
    const source = (topic: string) => ({
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '1',
      file: input,
      topic,
      'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
    });
    await inject(name, source(`analytics.drill-${id}`));
    await until('the task to fail', async () => (await taskState(name)) === 'FAILED');

    const diag = await run(fill(drill('auth-errors.md', 'diagnose', 'acl'), { connector: name, env: 'dev' }));
    expect(text(diag)).toMatch(/TopicAuthorizationException|Not authorized to access topics/);
    expect(text(diag)).toContain(`analytics.drill-${id}`);

    repo!.put('acl', source(`payments.drill-${id}-acl`));
    repo!.commit('the team topic');
    const fix = await run(fill(drill('auth-errors.md', 'fix', 'acl'), { connector: name, env: 'dev' }));
    expect(
      fix.map((r) => r.code),
      text(fix),
    ).toEqual([0, 0, 0]);
    expect(await taskState(name)).toBe('RUNNING');
  });

  // Schema Registry: only on a dev stack that runs one (`dev up -o json` reports `schemaRegistry`).
  const registry = async (): Promise<string | undefined> => {
    if (!devHome) return undefined;
    const up = await runCli(['dev', 'up', '--home', devHome, '-o', 'json']);
    const url = (up.json as { schemaRegistry?: { url?: string } } | undefined)?.schemaRegistry?.url;
    return up.code === 0 ? url : undefined;
  };

  it('Schema Registry: doctor names a wrong registry URL; the right one passes', async (ctx) => {
    const url = await registry();
    if (!url) return ctx.skip();
    const port = await closedPort();
    const yaml = join(repo!.dir, 'kcops.yaml');
    const base = readFileSync(yaml, 'utf8');
    const name = repo!.put('sr', {
      ...fileSink(`payments.drill-${id}-sr`, join(mkdtempSync(join(tmpdir(), 'kcops-drill-')), 'sr.txt')),
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schema.registry.url': `http://127.0.0.1:${port}`,
    });
    created.push(name);
    writeFileSync(yaml, base + `    schemaRegistry: { url: 'http://127.0.0.1:${port}' }\n`);
    repo!.commit('a registry URL nobody answers on');
    await run([['apply', '--env', 'dev', '--auto-approve']]);

    const diag = await run(fill(drill('schema-registry.md', 'diagnose'), { connector: name, env: 'dev' }));
    expect(diag[0]!.out).toMatch(new RegExp(`^FAIL\\s+schema-registry\\s+http://127\\.0\\.0\\.1:${port}`, 'm'));
    expect(diag[1]!.out).toContain(`127.0.0.1:${port}`);

    writeFileSync(yaml, base + `    schemaRegistry: { url: '${url}' }\n`);
    repo!.put('sr', {
      ...fileSink(`payments.drill-${id}-sr`, join(mkdtempSync(join(tmpdir(), 'kcops-drill-')), 'sr.txt')),
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schema.registry.url': url,
    });
    repo!.commit('the registry');
    const fix = await run(fill(drill('schema-registry.md', 'fix'), { connector: name, env: 'dev' }));
    expect(fix[0]!.code, text(fix)).toBe(0);
    expect(fix[2]!.out).toMatch(/^PASS\s+schema-registry\b/m);
    writeFileSync(yaml, base);
    repo!.commit('no registry');
  });
});
