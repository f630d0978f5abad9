import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSecretsManager } from '../../fakes/aws-secrets-manager/server.js';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import { cloudProjectYaml } from '../../fakes/confluent-cloud/project.js';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { FakeVault } from '../../fakes/vault/server.js';
import { runCli } from '../../support/run-cli.js';

/**
 * Issue 14: an apply whose changes hold a secret reference that cannot be read fails before the first change to the
 * cluster, listing every unreadable reference (provider, path, connector, key; never a value), exit code 1 with
 * SECRETS_UNREADABLE. Run through the built CLI against the Vault and AWS Secrets Manager stand-ins with the Confluent
 * Cloud stand-in, and against the Connect stand-in for a worker-side provider the workers do not have.
 */
const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

const MUTATING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

function sink(name: string, over: Record<string, string>) {
  return JSON.stringify({
    name,
    config: {
      'connector.class': 'S3_SINK',
      'kafka.auth.mode': 'KAFKA_API_KEY',
      'kafka.api.key': '${vault:secret/prod/kafka:key}',
      'kafka.api.secret': '${vault:secret/prod/kafka:secret}',
      'aws.access.key.id': '${aws:prod/s3-writer:access.key.id}',
      'aws.secret.access.key': '${aws:prod/s3-writer:secret.access.key}',
      topics: name,
      's3.bucket.name': 'lake',
      'input.data.format': 'JSON',
      'output.data.format': 'JSON',
      'time.interval': 'HOURLY',
      'tasks.max': '1',
      ...over,
    },
  });
}

describe('apply fails before the first change when a secret cannot be read (issue 14)', () => {
  it('on Confluent Cloud with Vault and AWS Secrets Manager: every unreadable reference listed, zero mutating requests', async () => {
    const { cloud } = await startCheckedCloud({ provisioningReads: 0 });
    stops.push(() => cloud.stop());
    const sm = new FakeSecretsManager({ region: 'eu-west-1' });
    sm.identities.set('AKIAPREFLIGHT000001', 'aws-signing-PreflightSigning');
    const smUrl = await sm.start();
    stops.push(() => sm.stop());
    sm.put('prod/s3-writer', JSON.stringify({ 'access.key.id': 'AKIAS3', 'secret.access.key': 'PreflightS3Value' }));
    sm.put('prod/locked', JSON.stringify({ 'secret.access.key': 'PreflightLockedValue' }));
    sm.denied.set('prod/locked', new Set(['AKIAPREFLIGHT000001']));
    const vault = new FakeVault();
    vault.mount('secret', 2);
    vault.policies.set('kcops', ['secret/data/prod/*']);
    vault.write('secret', 'prod/kafka', { key: 'KAFKAKEY', secret: 'PreflightVaultValue' });
    vault.write('secret', 'staging/kafka', { secret: 'PreflightStagingValue' });
    const vaultUrl = await vault.start();
    stops.push(() => vault.stop());
    const token = vault.token({ policies: ['kcops'], ttl: 3600, renewable: true });

    const dir = mkdtempSync(join(tmpdir(), 'kcops-preflight-cloud-'));
    writeFileSync(
      join(dir, 'kcops.yaml'),
      cloudProjectYaml(cloud).replace(
        '  kcops-env: { type: env, resolvedBy: kcops }',
        [
          '  kcops-env: { type: env, resolvedBy: kcops }',
          `  vault: { type: vault, resolvedBy: kcops, address: '${vaultUrl}', auth: { method: token, token: '\${kcops-env:VAULT_TOKEN}' } }`,
          `  aws: { type: aws-secrets-manager, resolvedBy: kcops, region: eu-west-1, endpoint: '${smUrl}' }`,
        ].join('\n'),
      ),
    );
    mkdirSync(join(dir, 'connectors', 'prod'), { recursive: true });
    // A good connector first (alphabetically), so an apply without the check would have created it before failing.
    writeFileSync(join(dir, 'connectors', 'prod', 'payments-a-good.json'), sink('payments-a-good', {}));
    writeFileSync(
      join(dir, 'connectors', 'prod', 'payments-b-bad.json'),
      sink('payments-b-bad', {
        'kafka.api.secret': '${vault:secret/staging/kafka:secret}', // the policy denies staging
        'aws.secret.access.key': '${aws:prod/locked:secret.access.key}', // the identity may not read it
        'aws.access.key.id': '${aws:prod/missing:access.key.id}', // no such secret
      }),
    );
    writeFileSync(
      join(dir, 'connectors', 'prod', 'payments-c-bad.json'),
      sink('payments-c-bad', { 'kafka.api.key': '${kcops-env:NOT_SET_ANYWHERE}' }),
    );
    const env = {
      NO_COLOR: '1',
      KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl'),
      CCLOUD_API_KEY: 'CLOUDKEY1234',
      CCLOUD_API_SECRET: 'cloud-secret-value',
      VAULT_TOKEN: token,
      AWS_ACCESS_KEY_ID: 'AKIAPREFLIGHT000001',
      AWS_SECRET_ACCESS_KEY: 'aws-signing-PreflightSigning',
    };
    const savedAws = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
    stops.push(() => {
      if (savedAws.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = savedAws.id;
      if (savedAws.key === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = savedAws.key;
    });
    // runCli may run in this process: the SDK's default chain reads process.env.
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;

    for (const o of ['human', 'json']) {
      const r = await runCli(
        ['apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s', '-o', o],
        { cwd: dir, env },
      );
      const text = r.out + r.err;
      expect(r.code, text).toBe(1);
      expect(text).toContain('SECRETS_UNREADABLE');
      expect(text).toContain('nothing was changed');
      for (const [connector, key, ref, code] of [
        ['payments-b-bad', 'kafka.api.secret', '${vault:secret/staging/kafka:secret}', 'SECRET_ACCESS_DENIED'],
        ['payments-b-bad', 'aws.secret.access.key', '${aws:prod/locked:secret.access.key}', 'SECRET_ACCESS_DENIED'],
        ['payments-b-bad', 'aws.access.key.id', '${aws:prod/missing:access.key.id}', 'SECRET_NOT_FOUND'],
        ['payments-c-bad', 'kafka.api.key', '${kcops-env:NOT_SET_ANYWHERE}', 'SECRET_UNRESOLVED'],
      ]) {
        const line = text.split('\n').find((l) => l.includes(`${connector} ${key}: ${ref}`));
        expect(line, `${connector} ${key} listed`).toBeDefined();
        expect(line).toContain(code);
      }
      expect(text).not.toContain('payments-a-good kafka');
      for (const value of ['PreflightS3Value', 'PreflightLockedValue', 'PreflightVaultValue', 'PreflightStagingValue'])
        expect(text).not.toContain(value);
    }
    // Nothing reached Cloud but reads: no create, update, pause or delete.
    expect(cloud.exchanges.filter((x) => MUTATING.has(x.method) && x.url.startsWith('/connect/'))).toEqual([]);
    expect(cloud.connectors.size).toBe(0);
  });

  it('on self-managed Connect: a worker-side provider the workers lack and a kcops provider are listed, zero mutating requests', async () => {
    const fake = new FakeConnect();
    const url = await fake.listen();
    stops.push(() => fake.close());
    const dir = mkdtempSync(join(tmpdir(), 'kcops-preflight-sm-'));
    writeFileSync(
      join(dir, 'kcops.yaml'),
      [
        'project: shop',
        'secretProviders:',
        '  file: { type: file, resolvedBy: worker }',
        '  vaultw: { type: vault, resolvedBy: worker, address: https://vault.example.internal:8200 }',
        '  kenv: { type: env, resolvedBy: kcops }',
        'teams:',
        '  payments: { prefixes: [payments-] }',
        'environments:',
        '  prod:',
        `    cluster: { type: self-managed, connect: { urls: ['${url}'] } }`,
        '    secrets: { worker: { providers: [file] } }',
        '',
      ].join('\n'),
    );
    mkdirSync(join(dir, 'connectors', 'prod'), { recursive: true });
    const connector = (name: string, config: Record<string, string>) =>
      writeFileSync(
        join(dir, 'connectors', 'prod', `${name}.json`),
        JSON.stringify({
          name,
          config: {
            'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
            topics: 'orders',
            ...config,
          },
        }),
      );
    connector('payments-a-good', { 'db.password': '${file:/etc/kafka/secrets.properties:db.password}' });
    connector('payments-b-bad', {
      'db.password': '${vaultw:secret/data/prod/db:password}',
      'api.token': '${kenv:API_TOKEN}',
    });
    const r = await runCli(['apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '-o', 'json'], {
      cwd: dir,
      env: { NO_COLOR: '1', KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl'), API_TOKEN: 'PreflightEnvValue' },
    });
    const text = r.out + r.err;
    expect(r.code, text).toBe(1);
    expect(text).toContain('SECRETS_UNREADABLE');
    expect(text).toContain("payments-b-bad db.password: ${vaultw:secret/data/prod/db:password} (provider 'vaultw'");
    expect(text).toContain("payments-b-bad api.token: ${kenv:API_TOKEN} (provider 'kenv'");
    expect(text).toContain('SECRET_PROVIDER_UNAVAILABLE');
    expect(text).not.toContain('payments-a-good');
    expect(text).not.toContain('PreflightEnvValue');
    expect(fake.requests.filter((q) => MUTATING.has(q.method))).toEqual([]);
  });
});
