import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import type { Violation } from '../../fakes/confluent-cloud/openapi-contract.js';
import type { FakeConfluentCloud } from '../../fakes/confluent-cloud/server.js';
import { cloudProjectYaml } from '../../fakes/confluent-cloud/project.js';

/** `kcops validate` online against a confluent-cloud environment: Connect v1 validate + Kafka REST v3 topics and ACLs. */
let cloud: FakeConfluentCloud;
let violations: Violation[];
let dir: string;

const ENV = {
  NO_COLOR: '1',
  CCLOUD_API_KEY: 'CLOUDKEY1234',
  CCLOUD_API_SECRET: 'cloud-secret-value',
  KREST_KEY: 'KAFKAREST1',
  KREST_SECRET: 'kafka-rest-secret',
  KAFKA_SECRET: 'k-secret',
};

async function validate() {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d) => (out += d));
  const code = await run({
    argv: ['validate', '--env', 'prod', '-o', 'json'],
    stdout,
    stderr: new PassThrough(),
    cwd: dir,
    env: ENV,
  });
  const findings = (JSON.parse(out) as { findings: { rule: string; message: string }[] }).findings;
  return {
    code,
    findings: findings.filter(
      (f) => f.rule.includes('online') || /topic|acl|remote|service-account|role-binding/.test(f.rule),
    ),
  };
}

beforeEach(async () => {
  ({ cloud, violations } = await startCheckedCloud({ provisioningReads: 0 }));
  dir = mkdtempSync(join(tmpdir(), 'kcops-ccloud-validate-'));
  mkdirSync(join(dir, 'connectors/prod'), { recursive: true });
  writeFileSync(
    join(dir, 'kcops.yaml'),
    cloudProjectYaml(cloud, [
      '    kafka:',
      `      restEndpoint: '${cloud.url}'`,
      "      credentials: { apiKey: '${kcops-env:KREST_KEY}', apiSecret: '${kcops-env:KREST_SECRET}' }",
    ]),
  );
  const config = {
    'connector.class': 'S3_SINK',
    'kafka.auth.mode': 'KAFKA_API_KEY',
    'kafka.api.key': 'KAFKAKEY1',
    'kafka.api.secret': '${kcops-env:KAFKA_SECRET}',
    topics: 'orders',
    's3.bucket.name': 'lake',
    'input.data.format': 'JSON',
    'output.data.format': 'JSON',
    'time.interval': 'HOURLY',
    'tasks.max': '1',
  };
  writeFileSync(
    join(dir, 'connectors/prod/payments-orders-s3.json'),
    JSON.stringify({ name: 'payments-orders-s3', config }, null, 2),
  );
});
afterEach(async () => cloud.stop());

describe('kcops validate against a confluent-cloud environment', () => {
  it('reports a missing topic and missing ACLs from Kafka REST v3, and stops reporting them once they exist', async () => {
    const before = await validate();
    const messages = before.findings.map((f) => f.message).join('\n');
    expect(messages).toContain("topic 'orders' does not exist");
    expect(messages).toContain("User:sa-payments lacks READ on topic 'orders'");

    cloud.topics.add('orders');
    const acl = {
      principal: 'User:sa-payments',
      host: '*',
      permission: 'ALLOW' as const,
      pattern_type: 'LITERAL' as const,
    };
    cloud.acls.push(
      { ...acl, resource_type: 'TOPIC', resource_name: 'orders', operation: 'READ' },
      { ...acl, resource_type: 'GROUP', resource_name: 'connect-payments-orders-s3', operation: 'READ' },
    );
    cloud.roleBindings.push({
      principal: 'User:sa-payments',
      role_name: 'ResourceOwner',
      crn_pattern: `${cloud.clusterCrn}/connector=payments-*`,
    });
    const after = await validate();
    expect(after.findings.map((f) => f.message)).toEqual([]);
    // Config validation went to Cloud with the secret resolved by kcops.
    const v = cloud.exchanges.find((x) => x.url.includes('/config/validate'));
    expect((v?.requestBody as Record<string, string>)['kafka.api.secret']).toBe('k-secret');
    expect(violations).toEqual([]);
  });

  it('checks that the service account of a SERVICE_ACCOUNT connector exists (IAM v2)', async () => {
    const file = join(dir, 'connectors/prod/payments-orders-s3.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { config: Record<string, string> };
    delete doc.config['kafka.api.key'];
    delete doc.config['kafka.api.secret'];
    doc.config['kafka.auth.mode'] = 'SERVICE_ACCOUNT';
    doc.config['kafka.service.account.id'] = 'sa-payments';
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const missing = await validate();
    expect(missing.findings.find((f) => f.rule === 'permission/service-account-missing')?.message).toContain(
      "service account 'sa-payments' does not exist",
    );
    cloud.serviceAccounts.set('sa-payments', 'payments team');
    expect((await validate()).findings.map((f) => f.rule)).not.toContain('permission/service-account-missing');
    expect(violations).toEqual([]);
  });

  it('warns when the team service account has no role binding covering the connector (mds v2 + org v2)', async () => {
    const rb = () =>
      validate().then((r) =>
        r.findings.filter((f) => f.rule === 'permission/connector-role-binding').map((f) => f.message),
      );
    expect(await rb()).toEqual(["prod: User:sa-payments has no role binding covering connector 'payments-orders-s3'."]);
    // Bindings elsewhere do not count: another prefix, another principal, a role that grants nothing on connectors.
    cloud.roleBindings.push(
      {
        principal: 'User:sa-payments',
        role_name: 'ResourceOwner',
        crn_pattern: `${cloud.clusterCrn}/connector=billing-*`,
      },
      {
        principal: 'User:sa-other',
        role_name: 'ResourceOwner',
        crn_pattern: `${cloud.clusterCrn}/connector=payments-*`,
      },
      { principal: 'User:sa-payments', role_name: 'MetricsViewer', crn_pattern: `${cloud.clusterCrn}` },
    );
    expect(await rb()).toHaveLength(1);
    cloud.roleBindings.push({
      principal: 'User:sa-payments',
      role_name: 'ResourceOwner',
      crn_pattern: `${cloud.clusterCrn}/connector=payments-*`,
    });
    expect(await rb()).toEqual([]);
    cloud.roleBindings.splice(0);
    cloud.roleBindings.push({
      principal: 'User:sa-payments',
      role_name: 'CloudClusterAdmin',
      crn_pattern: cloud.clusterCrn,
    });
    expect(await rb()).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('turns a wrong Cloud key into one online-unreachable finding, keeping the offline ones', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    await run({
      argv: ['validate', '--env', 'prod', '-o', 'json'],
      stdout,
      stderr: new PassThrough(),
      cwd: dir,
      env: { ...ENV, CCLOUD_API_SECRET: 'nope' },
    });
    const f = (JSON.parse(out) as { findings: { rule: string; message: string }[] }).findings.filter((x) =>
      x.rule.includes('unreachable'),
    );
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain('CLOUDKEY1234');
  });

  it('sends a reference kcops cannot resolve as written, and still asks Cloud (lenient secrets, issue 11)', async () => {
    const file = join(dir, 'connectors/prod/payments-orders-s3.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { config: Record<string, string> };
    doc.config['kafka.api.secret'] = '${kcops-env:NOT_SET_ANYWHERE}';
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const r = await validate();
    expect(r.findings.map((f) => f.rule)).not.toContain('plugin/cluster-unreachable');
    const v = cloud.exchanges.find((x) => x.url.includes('/config/validate'));
    expect((v?.requestBody as Record<string, string>)['kafka.api.secret']).toBe('${kcops-env:NOT_SET_ANYWHERE}');
    expect(violations).toEqual([]);
  });
});
