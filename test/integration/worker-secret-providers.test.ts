import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgQuery, withCredentials } from '../../src/dev/postgres.js';
import { waitFor } from '../../src/dev/wait.js';
import { runCli } from '../support/run-cli.js';
import { credentials, deleteConnector, rest, stack, waitRunning } from './helpers.js';

/**
 * `resolvedBy: worker` on a real stack: the dev workers' own Kafka config providers (FileConfigProvider,
 * DirectoryConfigProvider, EnvVarConfigProvider, configured in their worker properties by `kcops dev up`) resolve a
 * Debezium source's PostgreSQL credentials, and the connector connects with them: kcops validates the references
 * against the environment's secrets.worker.providers, applies the files, and the secret values never leave the
 * workers (kcops never reads them).
 */
const RUN = randomBytes(3).toString('hex');
const NAME = `payments-wsp-cdc-${RUN}`;
const TABLE = `wsp_${RUN}`;
const SLOT = `kcops_wsp_${RUN}`;

function cdcUrl(): string {
  return withCredentials(stack().postgres.url, credentials().postgres!.cdc);
}

const secrets = () => join(stack().home, 'secrets');
const pgConfig = (passwordKey: string, dbnameKey = 'dbname'): Record<string, string> => ({
  'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
  'tasks.max': '1',
  // One provider per key, all three kinds: a properties file, a directory of one file per key, the environment.
  'database.hostname': `\${file:${secrets()}/postgres.properties:hostname}`,
  'database.port': '${env:KCOPS_PG_PORT}',
  'database.user': '${env:KCOPS_PG_USER}',
  'database.password': `\${dir:${secrets()}/postgres:${passwordKey}}`,
  'database.dbname': `\${dir:${secrets()}/postgres:${dbnameKey}}`,
  'topic.prefix': 'payments',
  'table.include.list': `public.${TABLE}`,
  'plugin.name': 'pgoutput',
  'slot.name': SLOT,
  'publication.name': SLOT,
  'publication.autocreate.mode': 'filtered',
  'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
  'admin.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
});

describe('worker-side config providers (resolvedBy: worker) on the dev stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-wsp-'));
  const env: NodeJS.ProcessEnv = { ...process.env, WSP_CONNECT_PW: credentials().connect.password, NO_COLOR: '1' };
  delete env.KCOPS_AUDIT_FILE;
  const kcops = (...argv: string[]) => runCli(argv, { cwd: dir, env });
  const writeProject = (workerProviders: string) =>
    writeFileSync(
      join(dir, 'kcops.yaml'),
      [
        'project: wsp',
        'secretProviders:',
        '  file: { type: file, resolvedBy: worker }',
        '  dir: { type: dir, resolvedBy: worker }',
        "  env: { type: env, resolvedBy: worker, allowlist: '^KCOPS_.*' }",
        '  kcops-env: { type: env, resolvedBy: kcops }',
        'environments:',
        '  itest:',
        '    cluster:',
        '      type: self-managed',
        `      connect: { urls: [${stack().connect.urls.join(', ')}], auth: { username: ${credentials().connect.username}, password: '\${kcops-env:WSP_CONNECT_PW}' } }`,
        '    policies: { severity: advisory, requireDlqOnSinks: false }',
        `    secrets: { worker: { providers: [${workerProviders}] } }`,
        '',
      ].join('\n'),
    );

  afterAll(async () => {
    await deleteConnector(NAME);
    await waitFor(
      async () => {
        await pgQuery(
          cdcUrl(),
          'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
          [SLOT],
        );
        const left = await pgQuery(cdcUrl(), 'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [SLOT]);
        return left.length === 0 ? true : undefined;
      },
      { what: `replication slot ${SLOT} to be dropped`, timeoutMs: 30_000, intervalMs: 1000 },
    ).catch(() => undefined);
    await pgQuery(cdcUrl(), `DROP PUBLICATION IF EXISTS ${SLOT}`).catch(() => undefined);
    await pgQuery(cdcUrl(), `DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  });

  it('Connect resolves the references itself: the right files connect, a wrong one is refused by PostgreSQL', async () => {
    await pgQuery(cdcUrl(), `CREATE TABLE ${TABLE} (id serial PRIMARY KEY, item text NOT NULL)`);
    const validate = (config: Record<string, string>) =>
      rest<{ error_count: number; configs: { value: { name: string; errors: string[] } }[] }>(
        '/connector-plugins/PostgresConnector/config/validate',
        { method: 'PUT', body: { ...config, name: `${NAME}-check` } },
      );
    const good = await validate(pgConfig('password'));
    expect(good.status).toBe(200);
    expect(good.body.configs.flatMap((c) => c.value.errors)).toEqual([]);
    // A file of the directory naming a database that does not exist: PostgreSQL refuses it by that name, so what the
    // worker read from the directory is really what the connector connects with. (A wrong password would prove it
    // only where the server checks passwords; CI's PostgreSQL trusts local connections.)
    const missingDb = `kcops_no_db_${randomBytes(4).toString('hex')}`;
    writeFileSync(join(secrets(), 'postgres', 'dbname-missing'), missingDb);
    try {
      const bad = await validate(pgConfig('password', 'dbname-missing'));
      const errors = bad.body.configs.flatMap((c) => c.value.errors).join('\n');
      expect(bad.body.error_count, errors).toBeGreaterThan(0);
      expect(errors).toContain(missingDb);
    } finally {
      rmSync(join(secrets(), 'postgres', 'dbname-missing'), { force: true });
    }
  });

  it('kcops validate checks the references against secrets.worker.providers (file:line:col, hint)', async () => {
    mkdirSync(join(dir, 'connectors/itest'), { recursive: true });
    writeFileSync(
      join(dir, `connectors/itest/${NAME}.json`),
      JSON.stringify({ name: NAME, config: pgConfig('password') }, null, 2) + '\n',
    );
    writeProject('file, env');
    const missing = await kcops('validate', '--env', 'itest', '-o', 'json');
    expect(missing.code).toBe(1);
    const f = (
      JSON.parse(missing.out) as { findings: { rule: string; file: string; line: number; hint?: string }[] }
    ).findings.filter((x) => x.rule === 'secret/provider-unavailable');
    expect(f.map((x) => [x.file, x.line])).toEqual([
      [`connectors/itest/${NAME}.json`, 9],
      [`connectors/itest/${NAME}.json`, 10],
    ]);
    expect(f[0]!.hint).toContain('secrets.worker.providers');

    writeProject('file, dir, env');
    const ok = await kcops('validate', '--env', 'itest', '-o', 'json');
    const rules = (JSON.parse(ok.out) as { findings: { rule: string }[] }).findings.map((x) => x.rule);
    expect(rules.filter((r) => r.startsWith('secret/'))).toEqual([]);
  });

  it('kcops apply deploys the references as written and the connector streams from PostgreSQL', async () => {
    const r = await kcops('apply', '--env', 'itest', '--auto-approve', '--settle', '2s', '--wait-timeout', '150s');
    expect(r.code, r.out + r.err).toBe(0);
    await waitRunning(NAME);
    // What Connect stores is the reference, never the value: nothing to leak, nothing for kcops to resolve.
    const stored = await rest<Record<string, string>>(`/connectors/${NAME}/config`);
    expect(stored.body['database.password']).toBe(`\${dir:${secrets()}/postgres:password}`);
    // Connected with the password it read: its replication slot is active on the server.
    const active = await waitFor(
      async () => {
        const rows = await pgQuery(cdcUrl(), 'SELECT active FROM pg_replication_slots WHERE slot_name = $1', [SLOT]);
        return rows[0]?.active === true ? true : undefined;
      },
      { what: `slot ${SLOT} to be active`, timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(active).toBe(true);
    for (const text of [r.out, r.err]) expect(text).not.toContain(credentials().postgres!.cdc.password);
  });
});
