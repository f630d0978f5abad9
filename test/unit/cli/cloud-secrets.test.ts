import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import type { Violation } from '../../fakes/confluent-cloud/openapi-contract.js';
import type { FakeConfluentCloud } from '../../fakes/confluent-cloud/server.js';
import { runCli } from '../../support/run-cli.js';
import { cloudProjectYaml } from '../../fakes/confluent-cloud/project.js';

/**
 * Secrets on a Confluent Cloud environment, through the CLI against the stand-in: `plan --refresh-secrets` finds a
 * secret rotated in its store (same reference, masked on the server), and references the environment hands to
 * Cloud's secret manager are sent as identifiers with the secret.manager.* keys, never read by kcops.
 */
let cloud: FakeConfluentCloud;
let violations: Violation[];
let dir: string;
const env: Record<string, string> = {};

const cli = (...argv: string[]) =>
  runCli(argv, { cwd: dir, env: { ...env, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });
const apply = () =>
  cli('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s', '--refresh-secrets');

function writeConnector(name: string, config: Record<string, string>) {
  writeFileSync(join(dir, `connectors/prod/${name}.json`), JSON.stringify({ name, config }, null, 2));
}

const s3 = {
  'connector.class': 'S3_SINK',
  'kafka.auth.mode': 'KAFKA_API_KEY',
  'kafka.api.key': '${kcops-env:KAFKA_API_KEY}',
  'kafka.api.secret': '${kcops-env:KAFKA_API_SECRET}',
  'aws.access.key.id': 'AKIAFAKE',
  'aws.secret.access.key': '${kcops-env:AWS_SECRET}',
  topics: 'orders',
  's3.bucket.name': 'lake',
  'input.data.format': 'JSON',
  'output.data.format': 'JSON',
  'time.interval': 'HOURLY',
  'errors.deadletterqueue.topic.name': 'dlq-payments-orders-s3',
  'tasks.max': '1',
};

beforeEach(async () => {
  ({ cloud, violations } = await startCheckedCloud({ provisioningReads: 0 }));
  dir = mkdtempSync(join(tmpdir(), 'kcops-cloud-secrets-'));
  mkdirSync(join(dir, 'connectors/prod'), { recursive: true });
  Object.assign(env, {
    NO_COLOR: '1',
    CCLOUD_API_KEY: 'CLOUDKEY1234',
    CCLOUD_API_SECRET: 'cloud-secret-value',
    KAFKA_API_KEY: 'KAFKAKEY1',
    KAFKA_API_SECRET: 'kafka-secret-1',
    AWS_SECRET: 'canary-aws-secret-ONE',
  });
});
afterEach(async () => cloud.stop());

describe('plan --refresh-secrets on Confluent Cloud', () => {
  beforeEach(() => {
    writeFileSync(join(dir, 'kcops.yaml'), cloudProjectYaml(cloud));
    writeConnector('payments-orders-s3', s3);
  });

  it('proposes an update when a secret changed in its store, and nothing once it is applied', async () => {
    const first = await apply();
    expect(first.code, first.err).toBe(0);
    const stateFile = join(dir, '.kcops/secret-state/prod.json');
    const state = readFileSync(stateFile, 'utf8');
    expect(Object.keys(JSON.parse(state).connectors['payments-orders-s3']).sort()).toEqual([
      'aws.secret.access.key',
      'kafka.api.key',
      'kafka.api.secret',
    ]);
    // The key stays out of Git; the state holds hashes only.
    expect(readFileSync(join(dir, '.kcops/secret-state/.gitignore'), 'utf8')).toBe('key\n');
    expect(state).not.toContain('canary-aws-secret-ONE');

    const same = await cli('plan', '--env', 'prod', '--refresh-secrets', '-o', 'json', '--detailed-exitcode');
    expect(same.code, same.err).toBe(0);

    // Rotated in the store (here the CI secret behind ${kcops-env:AWS_SECRET}); Git and Cloud's masked view unchanged.
    env.AWS_SECRET = 'canary-aws-secret-TWO';
    const plain = await cli('plan', '--env', 'prod', '-o', 'json', '--detailed-exitcode');
    expect(plain.code, 'without the flag the rotation is invisible').toBe(0);
    const rotated = await cli('plan', '--env', 'prod', '--refresh-secrets', '-o', 'json', '--detailed-exitcode');
    expect(rotated.code, rotated.err).toBe(3);
    expect(JSON.parse(rotated.out).changes).toEqual([
      {
        connector: 'payments-orders-s3',
        action: 'update',
        fields: [
          {
            key: 'aws.secret.access.key',
            before: '(sensitive)',
            after: '(sensitive value changed)',
            sensitive: true,
          },
        ],
      },
    ]);
    const human = await cli('plan', '--env', 'prod', '--refresh-secrets');
    expect(human.err).toContain('payments-orders-s3 (aws.secret.access.key) changed in its store');
    expect(human.out).toContain('(sensitive value changed)');

    const second = await apply();
    expect(second.code, second.err).toBe(0);
    expect(cloud.connectors.get('payments-orders-s3')!.config['aws.secret.access.key']).toBe('canary-aws-secret-TWO');
    const after = await cli('plan', '--env', 'prod', '--refresh-secrets', '--detailed-exitcode');
    expect(after.code, after.out + after.err).toBe(0);

    for (const r of [first, same, plain, rotated, human, second, after])
      for (const text of [r.out, r.err]) {
        expect(text).not.toContain('canary-aws-secret-ONE');
        expect(text).not.toContain('canary-aws-secret-TWO');
      }
    expect(readFileSync(stateFile, 'utf8')).not.toContain('canary-aws-secret');
    expect(violations).toEqual([]);
  });

  it('says when there is no baseline instead of guessing', async () => {
    const r = await cli('plan', '--env', 'prod', '--refresh-secrets', '-o', 'json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).changes).toMatchObject([{ connector: 'payments-orders-s3', action: 'create' }]);
    // A connector still to be created has nothing to compare with and is not reported as missing a baseline.
    expect(r.err).not.toContain('No secret baseline');
    expect(existsSync(join(dir, '.kcops/secret-state/prod.json'))).toBe(false);
  });
});

describe("Confluent Cloud's secret manager chosen per environment", () => {
  it('sends the secret identifier and the secret.manager.* keys; kcops never reads the secret', async () => {
    writeFileSync(
      join(dir, 'kcops.yaml'),
      cloudProjectYaml(cloud, [
        '    secrets: { cloud: { secretManager: AWS, providerIntegrationId: cspi-a1b2c3, providers: [aws] } }',
      ]).replace(
        '  kcops-env: { type: env, resolvedBy: kcops }',
        '  kcops-env: { type: env, resolvedBy: kcops }\n  aws: { type: aws-secrets-manager, resolvedBy: kcops, region: eu-west-1 }',
      ),
    );
    writeConnector('payments-cdc', {
      'connector.class': 'PostgresCdcSourceV2',
      'tasks.max': '1',
      'kafka.auth.mode': 'KAFKA_API_KEY',
      'kafka.api.key': '${kcops-env:KAFKA_API_KEY}',
      'kafka.api.secret': '${kcops-env:KAFKA_API_SECRET}',
      'database.hostname': 'db.internal',
      'database.port': '5432',
      'database.user': 'cdc',
      'database.password': '${aws:prod/payments/db}',
      'database.dbname': 'app',
      'topic.prefix': 'payments',
      'output.data.format': 'JSON',
    });
    const validate = await cli('validate', '--env', 'prod', '-o', 'json');
    const findings = (JSON.parse(validate.out) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    // (The stand-in's contract wants an API key in the body, which prod's policy frowns on: that finding is not ours.)
    expect(findings.filter((r) => r.startsWith('secret/') && r !== 'secret/managed-kafka-auth-mode')).toEqual([]);

    const plan = await cli('plan', '--env', 'prod', '-o', 'json');
    expect(plan.code, plan.err).toBe(0);
    const keys = (JSON.parse(plan.out) as { changes: { fields: { key: string; after: string }[] }[] }).changes[0]!
      .fields;
    expect(Object.fromEntries(keys.map((f) => [f.key, f.after]))).toMatchObject({
      'secret.manager.enabled': 'true',
      'secret.manager': 'AWS',
      'secret.manager.provider.integration.id': 'cspi-a1b2c3',
      'secret.manager.managed.configs': 'database.password',
    });
    // No AWS credentials exist here: had kcops tried to read ${aws:...} itself, apply would fail.
    const r = await cli('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s');
    expect(r.code, r.err).toBe(0);
    expect(cloud.connectors.get('payments-cdc')!.config).toMatchObject({
      'database.password': 'prod/payments/db',
      'secret.manager.enabled': 'true',
      'secret.manager.managed.configs': 'database.password',
    });
    expect(violations).toEqual([]);
  });

  it('validate refuses a reference to a worker provider, and one the environment cannot resolve', async () => {
    writeFileSync(
      join(dir, 'kcops.yaml'),
      cloudProjectYaml(cloud, [
        '    secrets: { cloud: { secretManager: AWS, providerIntegrationId: cspi-change1, providers: [file] } }',
      ]).replace(
        '  kcops-env: { type: env, resolvedBy: kcops }',
        '  kcops-env: { type: env, resolvedBy: kcops }\n  file: { type: file, resolvedBy: worker }\n  wk: { type: env, resolvedBy: worker }',
      ),
    );
    writeConnector('payments-orders-s3', { ...s3, 'aws.secret.access.key': '${wk:AWS_SECRET}' });
    const r = await cli('validate', '--env', 'prod', '-o', 'json');
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.out) as { findings: { rule: string; file: string; line: number }[] }).findings;
    expect(findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['secret/worker-provider-on-managed', 'project/placeholder-identity']),
    );
    const at = findings.find((f) => f.rule === 'project/placeholder-identity')!;
    expect(at.file).toBe('kcops.yaml');
    expect(at.line).toBeGreaterThan(1);
  });
});
