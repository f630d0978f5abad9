import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Consumer, MessagesStreamModes, stringDeserializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { verifyAudit } from '../../src/core/audit/log.js';
import { runCli } from '../support/run-cli.js';

/**
 * The audit topic (`environments.<env>.audit`) on the real dev stack: apply and a day-2 command through the CLI
 * entry point publish their JSONL lines to a per-run topic, read back with a real consumer; a principal without
 * WRITE on the topic fails the command only with `required: true`. Needs:
 *   KCOPS_TEST_KAFKA_BOOTSTRAP, KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE
 * e.g. KCOPS_TEST_KAFKA_BOOTSTRAP=127.0.0.1:29092 KCOPS_TEST_CONNECT_URLS=http://127.0.0.1:28083,http://127.0.0.1:28084 \
 *   KCOPS_TEST_CREDENTIALS_FILE=$HOME/.kcops/dev/credentials.json npx vitest run --project engine-it test/engine-it/audit-topic.test.ts
 */
const bootstrap = process.env.KCOPS_TEST_KAFKA_BOOTSTRAP;
const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const credsFile = process.env.KCOPS_TEST_CREDENTIALS_FILE;
const enabled = !!bootstrap && urls.length > 0 && !!credsFile;

interface Identity {
  username: string;
  password: string;
}
interface Creds {
  connect: Identity;
  kafka: { admin: Identity; serviceAccounts: Record<string, Identity> };
}

const runId = randomBytes(3).toString('hex');
const topic = `kcops-audit-it-${runId}`;
const prefix = `payments-auditit-${runId}-`;
const name = `${prefix}sink`;

describe.skipIf(!enabled)('the audit topic on the dev stack', () => {
  const creds = enabled ? (JSON.parse(readFileSync(credsFile!, 'utf8')) as Creds) : undefined;
  // A principal of the stack with no ACL on this run's topic (its own are on analytics.*).
  const outsider = creds?.kafka.serviceAccounts['sa-analytics'];
  const sasl = (id: Identity) => ({ mechanism: 'PLAIN' as const, username: id.username, password: id.password });
  const dir = mkdtempSync(join(tmpdir(), 'kcops-auditit-'));
  const auditFile = join(dir, '.kcops', 'audit', 'audit.jsonl');
  const cluster = enabled ? new SelfManagedCluster({ urls, auth: creds!.connect }) : undefined;
  const admin = enabled
    ? new Admin({ clientId: 'kcops-auditit', bootstrapBrokers: [bootstrap!], sasl: sasl(creds!.kafka.admin) })
    : undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AUDITIT_CONNECT_PW: creds?.connect.password ?? '',
    AUDITIT_ADMIN_PW: creds?.kafka.admin.password ?? '',
    AUDITIT_OUTSIDER_PW: outsider?.password ?? '',
    KCOPS_ACTOR: 'auditit <ci@example.com>',
  };
  delete env.KCOPS_AUDIT_FILE;

  /** The audit producer authenticates as `who`; the admin is a super user on the stack. */
  function writeRepo(who: 'admin' | 'outsider', required: boolean) {
    const user = who === 'admin' ? creds!.kafka.admin.username : outsider!.username;
    const pw = who === 'admin' ? 'AUDITIT_ADMIN_PW' : 'AUDITIT_OUTSIDER_PW';
    const yaml = [
      'project: auditit',
      'secretProviders:',
      "  env: { type: env, resolvedBy: worker, allowlist: '^KCOPS_.*' }",
      '  kcops-env: { type: env, resolvedBy: kcops }',
      'teams:',
      `  payments: { prefixes: [${prefix}], serviceAccounts: [sa-payments] }`,
      'environments:',
      '  itest:',
      '    cluster:',
      '      type: self-managed',
      `      connect: { urls: [${urls.join(', ')}], auth: { username: ${creds!.connect.username}, password: '\${kcops-env:AUDITIT_CONNECT_PW}' } }`,
      `    kafka: { bootstrapServers: ['${bootstrap}'], sasl: { mechanism: PLAIN, username: ${user}, password: '\${kcops-env:${pw}}' } }`,
      '    policies: { requireDlqOnSinks: false }',
      `    audit: { topic: ${topic}, required: ${required} }`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'kcops.yaml'), yaml);
  }

  const kcops = (...argv: string[]) => runCli(argv, { cwd: dir, env });
  const lines = () => readFileSync(auditFile, 'utf8').trim().split('\n');

  /** The topic from the beginning, with a consumer of its own: `expected` records, or what came within `ms`. */
  async function consume(expected: number, ms = 30_000) {
    const groupId = `kcops-auditit-${runId}-${randomBytes(2).toString('hex')}`;
    const consumer = new Consumer({
      clientId: 'kcops-auditit',
      groupId,
      bootstrapBrokers: [bootstrap!],
      sasl: sasl(creds!.kafka.admin),
      deserializers: stringDeserializers,
      autocommit: false,
    });
    const got: { key: string; value: string; headers: Record<string, string>; partition: number }[] = [];
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
    const timer = setTimeout(() => void stream.close(), ms);
    try {
      for await (const m of stream) {
        got.push({ key: m.key, value: m.value, headers: Object.fromEntries(m.headers), partition: m.partition });
        if (got.length >= expected) break;
      }
    } finally {
      clearTimeout(timer);
      await stream.close().catch(() => undefined);
      await consumer.close().catch(() => undefined);
      await admin!.deleteGroups({ groups: [groupId] }).catch(() => undefined);
    }
    return got;
  }

  beforeAll(async () => {
    await admin!.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    mkdirSync(join(dir, 'connectors', 'itest'), { recursive: true });
    writeFileSync(
      join(dir, 'connectors', 'itest', `${name}.json`),
      JSON.stringify({
        name,
        config: {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
          'tasks.max': '1',
          // One input topic for every run (the broker creates it on first use), like deploy.test.ts.
          topics: 'payments.auditit',
          file: join(dir, 'sink.txt'),
          'consumer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
        },
      }),
    );
  });
  afterAll(async () => {
    await cluster?.delete(name).catch(() => undefined);
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.close();
  });

  it('apply and a day-2 pause publish exactly their JSONL lines, keyed by connector, with the env header', async () => {
    writeRepo('admin', true);
    const applied = await kcops('apply', '--env', 'itest', '--auto-approve', '--settle', '2s', '--wait-timeout', '90s');
    expect(applied.code, applied.out + applied.err).toBe(0);
    const paused = await kcops('connect', 'pause', name, '--env', 'itest');
    expect(paused.code, paused.err).toBe(0);
    expect(applied.err + paused.err).not.toContain('not published');

    const file = lines();
    expect(file).toHaveLength(2);
    const got = await consume(file.length);
    expect(got.map((m) => m.value)).toEqual(file);
    expect(got.map((m) => [m.key, m.headers['kcops-env'], m.headers['kcops-action']])).toEqual([
      [name, 'itest', 'apply:create'],
      [name, 'itest', 'ops:pause'],
    ]);
    expect(got.map((m) => JSON.parse(m.value) as { seq: number })).toMatchObject([{ seq: 1 }, { seq: 2 }]);
    for (const m of got) expect(m.value).not.toContain(creds!.kafka.admin.password);
  });

  it('a principal without WRITE on the topic: a warning by default, a failed command with required: true', async () => {
    writeRepo('outsider', false);
    const resumed = await kcops('connect', 'resume', name, '--env', 'itest');
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toContain(`Audit record 3 (deployment`);
    expect(resumed.err).toContain(`User:${outsider!.username} may not write to topic ${topic}`);

    writeRepo('outsider', true);
    const paused = await kcops('connect', 'pause', name, '--env', 'itest');
    expect(paused.code).toBe(1);
    expect(paused.err).toContain(`not published to topic ${topic} on ${bootstrap}`);
    expect(paused.err).toContain(`--allow-principal User:${outsider!.username} --operation Write --topic ${topic}`);
    expect(paused.err).toContain('Nothing was undone');
    // The pause happened and both records are in the intact file; the topic still has only the first two.
    expect((await cluster!.status(name))?.state).toBe('PAUSED');
    expect(verifyAudit(auditFile)).toMatchObject({ ok: true, records: 4 });
    expect((await consume(3, 8_000)).map((m) => (JSON.parse(m.value) as { seq: number }).seq)).toEqual([1, 2]);
  });
});
