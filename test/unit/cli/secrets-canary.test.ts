import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { runCli, type CliRun } from '../../support/run-cli.js';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import { cloudProjectYaml } from '../../fakes/confluent-cloud/project.js';
import { FakeSecretsManager } from '../../fakes/aws-secrets-manager/server.js';
import { FakeVault } from '../../fakes/vault/server.js';

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
    await run('plan', '--env', 'prod', '-o', 'markdown');
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
    // Cases CI once found, replayed on every run: a JAAS line in a key that is not *.jaas.config was not a finding.
    const examples: [Case][] = [
      [{ canary: 'Cnry8PK96L4zsSE1Q', inGit: ['JAAS in a plain key'], onCluster: ['sensitive key'], minified: false }],
    ];
    await fc.assert(fc.asyncProperty(caseArb, scenario), { numRuns: 6, endOnFailure: true, examples });
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

/**
 * Issue 14 §4: canary values kept in every provider kcops resolves itself (Vault, AWS Secrets Manager, env) on a
 * Confluent Cloud environment: they reach the Cloud API (the connectors need them) and nothing else — no output of
 * validate, plan (human, json, plan file), apply (human, json, --debug), rollback, failures, the audit log, any file kcops
 * writes in the repository, or Git.
 */
describe('canaries in every client-side provider (Vault, AWS Secrets Manager, env) on Confluent Cloud', () => {
  it('resolve into the Cloud requests only, one store request per secret per run', async () => {
    const { cloud, violations } = await startCheckedCloud({ provisioningReads: 0, apiSecret: 'CnryCloudApiSecretQ' });
    const sm = new FakeSecretsManager({ region: 'eu-west-1' });
    const vault = new FakeVault();
    const savedAws = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
    const dir = mkdtempSync(join(tmpdir(), 'kcops-canary-stores-'));
    try {
      sm.identities.set('AKIACANARYTEST00001', 'aws-signing-CnryAwsSigningQ');
      // The SDK's default credential chain reads the process environment.
      process.env.AWS_ACCESS_KEY_ID = 'AKIACANARYTEST00001';
      process.env.AWS_SECRET_ACCESS_KEY = 'aws-signing-CnryAwsSigningQ';
      const smUrl = await sm.start();
      sm.put(
        'prod/s3-writer',
        JSON.stringify({ 'access.key.id': 'AKIAS3CANARY', 'secret.access.key': 'CnryAwsS3v1Q' }),
      );
      vault.mount('secret', 2);
      vault.policies.set('kcops', ['secret/data/prod/*']);
      vault.write('secret', 'prod/kafka', { key: 'KAFKAKEYCANARY', secret: 'CnryVaultKafkaQ' });
      const vaultUrl = await vault.start();
      const token = vault.token({ policies: ['kcops'], ttl: 3600, renewable: true });
      const env = {
        KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl'),
        KCOPS_ACTOR: 'canary <c@example.com>',
        CCLOUD_API_KEY: 'CLOUDKEY1234',
        CCLOUD_API_SECRET: 'CnryCloudApiSecretQ',
        VAULT_TOKEN_PROD: token,
        DLQ_SUFFIX: 'CnryEnvQ',
        GIT_AUTHOR_NAME: 'c',
        GIT_AUTHOR_EMAIL: 'c@example.com',
        GIT_COMMITTER_NAME: 'c',
        GIT_COMMITTER_EMAIL: 'c@example.com',
      };
      const canaries = [
        'CnryAwsS3v1Q',
        'CnryAwsS3v2Q',
        'CnryVaultKafkaQ',
        'CnryCloudApiSecretQ',
        'CnryAwsSigningQ',
        token,
      ];
      writeFileSync(
        join(dir, 'kcops.yaml'),
        cloudProjectYaml(cloud, [
          // Per environment: prod's Vault is not the top-level one.
          '    secretProviders:',
          `      vault: { type: vault, resolvedBy: kcops, address: '${vaultUrl}', auth: { method: token, token: '\${kcops-env:VAULT_TOKEN_PROD}' } }`,
        ]).replace(
          '  kcops-env: { type: env, resolvedBy: kcops }',
          [
            '  kcops-env: { type: env, resolvedBy: kcops }',
            "  vault: { type: vault, resolvedBy: kcops, address: 'https://vault.example.internal:8200' }",
            `  aws: { type: aws-secrets-manager, resolvedBy: kcops, region: eu-west-1, endpoint: '${smUrl}' }`,
          ].join('\n'),
        ),
      );
      mkdirSync(join(dir, 'connectors', 'prod'), { recursive: true });
      const writeSink = (name: string, topics: string) =>
        writeFileSync(
          join(dir, 'connectors', 'prod', `${name}.json`),
          JSON.stringify(
            {
              name,
              config: {
                'connector.class': 'S3_SINK',
                'kafka.auth.mode': 'KAFKA_API_KEY',
                'kafka.api.key': '${vault:secret/prod/kafka:key}',
                'kafka.api.secret': '${vault:secret/prod/kafka:secret}',
                'aws.access.key.id': '${aws:prod/s3-writer:access.key.id}',
                'aws.secret.access.key': '${aws:prod/s3-writer:secret.access.key}',
                topics,
                's3.bucket.name': 'lake',
                'input.data.format': 'JSON',
                'output.data.format': 'JSON',
                'time.interval': 'HOURLY',
                'errors.deadletterqueue.topic.name': `dlq-${name}`,
                'tasks.max': '1',
              },
            },
            null,
            2,
          ),
        );
      writeSink('payments-orders-s3', 'orders');
      writeSink('payments-refunds-s3', 'refunds');
      const git = (...a: string[]) =>
        execFileSync('git', a, { cwd: dir, env: { ...process.env, ...env }, stdio: 'pipe' });
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('commit', '-qm', 'first');

      const runs: [string, CliRun][] = [];
      const run = async (...argv: string[]) => {
        const r = await runCli(argv, { cwd: dir, env });
        runs.push([argv.join(' '), r]);
        return r;
      };
      for (const o of ['human', 'json']) await run('validate', '--offline', '-o', o);
      await run('plan', '--env', 'prod');
      await run('plan', '--env', 'prod', '-o', 'markdown');
      await run('plan', '--env', 'prod', '-o', 'json', '--out', 'plan.json');
      const gets = () => sm.getCalls().length;
      const before = gets();
      const apply = await run(
        'apply',
        '--env',
        'prod',
        '--auto-approve',
        '--settle',
        '0s',
        '--wait-timeout',
        '10s',
        '--debug',
      );
      expect(apply.code, apply.err).toBe(0);
      // Two connectors × two keys of one AWS secret: one GetSecretValue; one Vault read for four references.
      expect(gets() - before).toBe(1);
      expect(vault.count('GET secret/data/prod/kafka')).toBe(1);
      expect(cloud.connectors.get('payments-refunds-s3')!.config).toMatchObject({
        'kafka.api.secret': 'CnryVaultKafkaQ',
        'aws.secret.access.key': 'CnryAwsS3v1Q',
      });

      // Rotation in the store, a change in Git: the next run sends the new value.
      sm.put(
        'prod/s3-writer',
        JSON.stringify({ 'access.key.id': 'AKIAS3CANARY', 'secret.access.key': 'CnryAwsS3v2Q' }),
      );
      writeSink('payments-orders-s3', 'orders,returns');
      git('commit', '-qam', 'second');
      await run('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s', '-o', 'json');
      expect(cloud.connectors.get('payments-orders-s3')!.config['aws.secret.access.key']).toBe('CnryAwsS3v2Q');
      const back = await run(
        'rollback',
        '--env',
        'prod',
        '--to',
        'HEAD~1',
        '--auto-approve',
        '--settle',
        '0s',
        '--wait-timeout',
        '10s',
      );
      expect(back.code, back.out + back.err).toBe(0);
      expect(cloud.connectors.get('payments-orders-s3')!.config.topics).toBe('orders');

      // Failure paths: a key the secret lacks, a secret the identity may not read, a Vault path the policy denies.
      for (const [ref, code] of [
        ['${vault:secret/prod/kafka:no-such-key}', 'SECRET_UNRESOLVED'],
        ['${aws:prod/s3-writer-locked:secret.access.key}', 'SECRET_ACCESS_DENIED'],
        ['${vault:secret/staging/kafka:secret}', 'SECRET_ACCESS_DENIED'],
      ] as const) {
        sm.put('prod/s3-writer-locked', JSON.stringify({ 'secret.access.key': 'CnryAwsS3v1Q' }));
        sm.denied.set('prod/s3-writer-locked', new Set(['AKIACANARYTEST00001']));
        const file = join(dir, 'connectors', 'prod', 'payments-refunds-s3.json');
        const doc = JSON.parse(readFileSync(file, 'utf8')) as { config: Record<string, string> };
        doc.config['aws.secret.access.key'] = ref;
        // Cloud masks secrets, so a changed reference alone is no visible change: a visible one makes the update.
        doc.config.topics = `refunds-${code}-${ref.length}`;
        writeFileSync(file, JSON.stringify(doc, null, 2));
        const r = await run(
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
        expect(r.code, r.out + r.err).not.toBe(0);
        expect(r.out + r.err).toContain(code);
        expect(r.out + r.err).toContain(ref);
        const d = await run('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--debug');
        expect(d.code).not.toBe(0);
      }

      const leaks: string[] = [];
      for (const [cmd, r] of runs)
        for (const c of canaries) if ((r.out + r.err).includes(c)) leaks.push(`${cmd}: ${c}`);
      const walk = (d: string): string[] =>
        readdirSync(d, { withFileTypes: true }).flatMap((e) =>
          e.name === '.git' ? [] : e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
        );
      for (const f of walk(dir))
        for (const c of canaries) if (readFileSync(f, 'utf8').includes(c)) leaks.push(`${f}: ${c}`);
      const history = git('log', '-p', '--all').toString();
      for (const c of canaries) if (history.includes(c)) leaks.push(`git: ${c}`);
      expect(leaks).toEqual([]);
      expect(readFileSync(join(dir, 'audit.jsonl'), 'utf8')).toContain('payments-orders-s3');
      expect(violations).toEqual([]);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = savedAws.id;
      process.env.AWS_SECRET_ACCESS_KEY = savedAws.key;
      if (savedAws.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (savedAws.key === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      await Promise.all([cloud.stop(), sm.stop(), vault.stop()]);
    }
  }, 120_000);
});
