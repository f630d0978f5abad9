import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import type { Violation } from '../../fakes/confluent-cloud/openapi-contract.js';
import type { FakeConfluentCloud } from '../../fakes/confluent-cloud/server.js';
import { runCli } from '../../support/run-cli.js';

/**
 * The example repository's `prod` environment (Confluent Cloud) end to end against the stand-in: its kcops.yaml is
 * copied with the API and Kafka REST endpoints pointed at the stand-in, nothing else changed.
 */
let cloud: FakeConfluentCloud;
let violations: Violation[];
let dir: string;

const ENV: NodeJS.ProcessEnv = {
  NO_COLOR: '1',
  CCLOUD_API_KEY: 'CLOUDKEY1234',
  CCLOUD_API_SECRET: 'cloud-secret-value',
  CCLOUD_KAFKA_API_KEY: 'KAFKAREST1',
  CCLOUD_KAFKA_API_SECRET: 'kafka-rest-secret',
  PROD_PG_CDC_PASSWORD: 'pg-cdc-pw',
  PROD_PG_SINK_PASSWORD: 'pg-sink-pw',
  PROD_S3_ACCESS_KEY_ID: 'AKIAPROD',
  PROD_S3_SECRET_ACCESS_KEY: 's3-prod-secret',
};

const cli = (...argv: string[]) =>
  runCli(argv, { cwd: dir, env: { ...ENV, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });

/** The one place the 2024 document and SERVICE_ACCOUNT mode disagree (SPEC.md): kafka.api.key/secret "required". */
const knownDeviation = (v: Violation) =>
  v.operationId === 'createConnectv1Connector' && /required property 'kafka\.api\.(key|secret)'/.test(v.problem);

beforeEach(async () => {
  ({ cloud, violations } = await startCheckedCloud({
    environmentId: 'env-prod01',
    clusterId: 'lkc-prod01',
    provisioningReads: 0,
  }));
  dir = mkdtempSync(join(tmpdir(), 'kcops-example-prod-'));
  cpSync(join(import.meta.dirname, '../../../examples/kafka-connect-configs'), dir, { recursive: true });
  const yaml = readFileSync(join(dir, 'kcops.yaml'), 'utf8')
    .replace('apiEndpoint: https://api.confluent.cloud', `apiEndpoint: '${cloud.url}'`)
    .replace(/restEndpoint: https:\/\/pkc-\S+/, `restEndpoint: '${cloud.url}'`);
  writeFileSync(join(dir, 'kcops.yaml'), yaml);
});
afterEach(async () => cloud.stop());

describe('examples/kafka-connect-configs: the prod (Confluent Cloud) environment', () => {
  it('validates online, plans, applies and shows no drift', async () => {
    const acl = { principal: 'User:sa-payments', host: '*', permission: 'ALLOW' as const, operation: 'ALL' };
    cloud.acls.push(
      { ...acl, resource_type: 'TOPIC', resource_name: 'payments', pattern_type: 'PREFIXED' },
      { ...acl, resource_type: 'GROUP', resource_name: 'connect-', pattern_type: 'PREFIXED' },
    );
    cloud.topics.add('payments.public.orders');
    cloud.serviceAccounts.set('sa-payments', 'payments team');
    cloud.roleBindings.push({
      principal: 'User:sa-payments',
      role_name: 'ResourceOwner',
      crn_pattern: `${cloud.clusterCrn}/connector=payments-*`,
    });
    const v = await cli('validate', '--env', 'prod', '-o', 'json');
    const findings = (JSON.parse(v.out) as { findings: { rule: string; severity: string; message: string }[] })
      .findings;
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.filter((f) => f.rule.startsWith('permission/'))).toEqual([]);
    expect(v.code).toBe(0);

    const plan = await cli('plan', '--env', 'prod', '-o', 'json');
    expect(plan.code, plan.err).toBe(0);
    expect((JSON.parse(plan.out) as { changes: { action: string }[] }).changes.map((c) => c.action)).toEqual([
      'create',
      'create',
      'create',
    ]);
    const apply = await cli('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s');
    expect(apply.code, apply.out + apply.err).toBe(0);
    expect([...cloud.connectors.keys()].sort()).toEqual([
      'payments-orders-cdc',
      'payments-orders-jdbc-sink',
      'payments-orders-s3-sink',
    ]);
    expect(cloud.connectors.get('payments-orders-cdc')?.config['database.password']).toBe('pg-cdc-pw');
    const drift = await cli('drift', '--env', 'prod', '--detailed-exitcode');
    expect(drift.code, drift.out).toBe(0);
    expect(violations.filter((x) => !knownDeviation(x))).toEqual([]);
  });

  it('doctor checks the API key, every connector, Kafka REST and logs access, and names a failed connector', async () => {
    await cli('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s');
    const ok = await cli('doctor', '--env', 'prod', '-o', 'json');
    expect(ok.code, ok.out + ok.err).toBe(0);
    const checks = (JSON.parse(ok.out) as { checks: { id: string; status: string; target: string }[] }).checks;
    expect(checks.map((c) => `${c.id} ${c.status}`)).toEqual([
      'ccloud.api pass',
      'connector.state pass',
      'connector.state pass',
      'connector.state pass',
      'ccloud.kafka-rest pass',
      'ccloud.logs pass',
      'schema-registry skip',
    ]);
    cloud.setState(
      'payments-orders-s3-sink',
      'FAILED',
      'org.apache.kafka.connect.errors.ConnectException: Access Denied',
    );
    const bad = await cli('doctor', '--env', 'prod');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('Access Denied');
    expect(bad.out).toContain('kcops connect logs payments-orders-s3-sink');
    const wrong = await runCli(['doctor', '--env', 'prod', '-o', 'json'], {
      cwd: dir,
      env: { ...ENV, CCLOUD_API_SECRET: 'nope' },
    });
    expect(wrong.code).toBe(1);
    expect(violations.filter((x) => !knownDeviation(x))).toEqual([]);
  });
});
