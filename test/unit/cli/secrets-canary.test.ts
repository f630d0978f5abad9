import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { runCli, type CliRun } from '../../support/run-cli.js';

/**
 * Issue 19 §2: a canary credential placed anywhere a connector config can hold one (a sensitive key, URL userinfo,
 * a JAAS option, a PEM body, a query parameter; in a pretty or a minified single-line file; in Git and on the cluster)
 * never appears in any output of validate, plan (and its plan file), apply, connect describe, history, the audit log,
 * or an error.
 */

const SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector';

/** One way to hold a credential: the config entry it makes from a canary. */
type Position = (canary: string) => [string, string];

const positions: Record<string, Position> = {
  'sensitive key': (c) => ['database.password', c],
  'glued sensitive key': (c) => ['database.sslpassword', c],
  'basic auth info': (c) => ['value.converter.basic.auth.user.info', `user:${c}`],
  'URL userinfo': (c) => ['connection.url', `jdbc:postgresql://app:${c}@db:5432/app`],
  'http userinfo': (c) => ['schema.registry.url', `https://sr:${c}@sr.example:8081`],
  'query parameter': (c) => ['hdfs.url', `jdbc:postgresql://db/app?user=a&password=${c}&ssl=true`],
  'JDBC ;password=': (c) => ['mssql.url', `jdbc:sqlserver://db:1433;databaseName=x;password=${c};encrypt=true`],
  'JAAS in a plain key': (c) => [
    'custom.login.options',
    `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${c}";`,
  ],
  'JAAS key': (c) => [
    'producer.override.sasl.jaas.config',
    `x.ScramLoginModule required username="u" password="${c}";`,
  ],
  'PEM private key': (c) => ['ssl.keystore.key', `-----BEGIN PRIVATE KEY-----\nMIIE${c}\n-----END PRIVATE KEY-----`],
  'PEM in a plain key': (c) => [
    'ssl.truststore.certificates',
    `-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIE${c}\n-----END ENCRYPTED PRIVATE KEY-----`,
  ],
};

const canaryArb = fc.stringMatching(/^[A-Za-z0-9]{6,12}$/).map((s) => `Cnry${s}Q`);
const caseArb = fc.record({
  canary: canaryArb,
  inGit: fc.subarray(Object.keys(positions), { minLength: 1 }),
  onCluster: fc.subarray(Object.keys(positions)),
  minified: fc.boolean(),
});

function configOf(names: string[], canary: string): Record<string, string> {
  const config: Record<string, string> = {
    'connector.class': SINK,
    'tasks.max': '1',
    topics: 'orders',
    file: '/tmp/o',
  };
  names.forEach((n, i) => {
    const [k, v] = positions[n]!(`${canary}${i}`);
    config[k] = v;
  });
  return config;
}

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

async function scenario(c: Case): Promise<void> {
  const fake = new FakeConnect({ startDelayMs: 0 });
  const url = await fake.listen();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-canary-'));
    const audit = join(dir, 'audit.jsonl');
    writeFileSync(
      join(dir, 'kcops.yaml'),
      `project: canary\nteams:\n  payments: { prefixes: [payments-] }\nenvironments:\n  prod:\n    cluster: { type: self-managed, connect: { urls: ['${url}'] } }\n    policies: { requireDlqOnSinks: false }\n`,
    );
    mkdirSync(join(dir, 'connectors', 'prod'), { recursive: true });
    const git = { name: 'payments-git', config: configOf(c.inGit, c.canary) };
    writeFileSync(
      join(dir, 'connectors', 'prod', 'payments-git.json'),
      c.minified ? JSON.stringify(git) : JSON.stringify(git, null, 2),
    );
    // The same connector already on the cluster with other credentials, and one that only the cluster has.
    fake.seed('payments-git', configOf(c.onCluster, `${c.canary}old`));
    fake.seed('payments-live', configOf(c.onCluster.length ? c.onCluster : c.inGit, `${c.canary}live`));
    // A server error that echoes a value, in Kafka's own words.
    fake.inject({
      method: 'PUT',
      times: 1,
      respond: {
        status: 400,
        body: { error_code: 400, message: `Invalid value ${c.canary}err for configuration database.password` },
      },
    });

    const cli = (...argv: string[]) =>
      runCli(argv, { cwd: dir, env: { KCOPS_AUDIT_FILE: audit, KCOPS_ACTOR: 'canary <c@example.com>' } });
    const runs: [string, CliRun][] = [];
    const run = async (...argv: string[]) => runs.push([argv.join(' '), await cli(...argv)]);
    for (const o of ['human', 'json', 'sarif', 'junit']) await run('validate', '--offline', '-o', o);
    await run('validate', 'connectors/prod/payments-git.json', '--offline');
    await run('plan', '--env', 'prod');
    await run('plan', '--env', 'prod', '-o', 'json', '--out', 'plan.json');
    // The first apply meets the injected 400; the second one goes through.
    await run('apply', '--env', 'prod', '--auto-approve', '--settle', '0s');
    await run('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '-o', 'json');
    for (const name of ['payments-git', 'payments-live']) {
      await run('connect', 'describe', name, '--env', 'prod');
      await run('connect', 'describe', name, '--env', 'prod', '-o', 'json');
    }
    await run('history', '--env', 'prod');
    await run('history', '--env', 'prod', '-o', 'json');

    if (process.env.KCOPS_CANARY_DEBUG)
      for (const [cmd, r] of runs) console.log(cmd, r.code, (r.err || r.out).slice(0, 300));
    const leaks = runs.filter(([, r]) => (r.out + r.err).includes(c.canary)).map(([cmd]) => cmd);
    for (const f of readdirSync(dir).filter((f) => /\.(json|jsonl|head)$/.test(f)))
      if (readFileSync(join(dir, f), 'utf8').includes(c.canary)) leaks.push(f);
    expect(leaks, `canary ${c.canary} leaked (positions: ${c.inGit.join(', ')} / ${c.onCluster.join(', ')})`).toEqual(
      [],
    );
    // The commands did run: validate found the credentials, apply reached the cluster.
    expect(runs[0]![1].out).toContain('secret/');
    expect(fake.requests.some((r) => r.method === 'PUT')).toBe(true);
  } finally {
    await fake.close();
  }
}

describe('no canary credential in any output', () => {
  it('every position, every format, every command', async () => {
    await fc.assert(fc.asyncProperty(caseArb, scenario), { numRuns: 6, endOnFailure: true });
  }, 240_000);
});

describe('credentials in cluster.connect.urls', () => {
  it('are a located validation error, and no command repeats them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-canary-url-'));
    writeFileSync(
      join(dir, 'kcops.yaml'),
      "project: canary\nenvironments:\n  prod:\n    cluster:\n      type: self-managed\n      connect: { urls: ['http://admin:CnryUrlQ@127.0.0.1:9'] }\n",
    );
    const cli = (...argv: string[]) => runCli(argv, { cwd: dir, env: { KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });
    const v = await cli('validate', '--offline', '-o', 'json');
    expect(v.code).toBe(1);
    expect(v.json.findings).toEqual([
      expect.objectContaining({
        rule: 'schema/kcops-yaml',
        file: 'kcops.yaml',
        line: 6,
        message: expect.stringContaining('cluster.connect.auth'),
      }),
    ]);
    for (const argv of [
      ['validate'],
      ['validate', '-o', 'sarif'],
      ['plan', '--env', 'prod'],
      ['apply', '--env', 'prod', '--auto-approve'],
      ['connect', 'list', '--env', 'prod'],
      ['connect', 'list', '--env', 'prod', '-o', 'json'],
      ['history', '--env', 'prod'],
    ]) {
      const r = await cli(...argv);
      // history reads only the audit log; everything else needs the project and refuses it.
      if (argv[0] !== 'history') expect(r.code, argv.join(' ')).not.toBe(0);
      expect(r.out + r.err, argv.join(' ')).not.toContain('CnryUrlQ');
    }
  }, 60_000);
});
