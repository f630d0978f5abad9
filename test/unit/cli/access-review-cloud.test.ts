import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import type { Violation } from '../../fakes/confluent-cloud/openapi-contract.js';
import { cloudProjectYaml } from '../../fakes/confluent-cloud/project.js';
import type { FakeConfluentCloud } from '../../fakes/confluent-cloud/server.js';
import { runCli } from '../../support/run-cli.js';

/**
 * `kcops access review`, `whoami` and the audit actor on a confluent-cloud environment, against the stand-in with
 * every exchange checked against Confluent's IAM v2, API keys v2, mds v2, org v2 and Kafka REST v3 documents.
 */
let cloud: FakeConfluentCloud;
let violations: Violation[];
let dir: string;

const ENV = {
  NO_COLOR: '1',
  CCLOUD_API_KEY: 'CLOUDKEY1234',
  CCLOUD_API_SECRET: 'cloud-secret-value',
  KAFKA_REST_KEY: 'KAFKAREST1',
  KAFKA_REST_SECRET: 'kafka-rest-secret',
};
const cli = (...argv: string[]) =>
  runCli(argv, { cwd: dir, env: { ...ENV, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

beforeEach(async () => {
  ({ cloud, violations } = await startCheckedCloud({ provisioningReads: 0 }));
  dir = mkdtempSync(join(tmpdir(), 'kcops-review-'));
  mkdirSync(join(dir, 'connectors/prod'), { recursive: true });
  const yaml = cloudProjectYaml(cloud, [
    `    kafka: { restEndpoint: '${cloud.url}', credentials: { apiKey: '\${kcops-env:KAFKA_REST_KEY}', apiSecret: '\${kcops-env:KAFKA_REST_SECRET}' } }`,
  ]).replace('environments:', 'access: { keyRotationDays: 90, consoleUsers: [u-ops] }\nenvironments:');
  writeFileSync(join(dir, 'kcops.yaml'), yaml);

  const env = `crn://confluent.cloud/organization=${cloud.organizationId}/environment=${cloud.environmentId}`;
  cloud.serviceAccounts.set('sa-payments', 'payments-connectors');
  cloud.serviceAccounts.set('sa-ci', 'deploy-pipeline');
  cloud.users.set('u-alice', { email: 'alice@example.com', fullName: 'Alice' });
  cloud.users.set('u-ops', { email: 'ops@example.com', fullName: 'Ops' });
  cloud.apiKeys.set('CLOUDKEY1234', { owner: 'sa-ci', createdAt: daysAgo(10) });
  cloud.apiKeys.set('PAYKEY', { owner: 'sa-payments', createdAt: daysAgo(20) });
  cloud.apiKeys.set('ALICEOLD', { owner: 'u-alice', createdAt: daysAgo(200) });
  cloud.apiKeys.set('OTHERCLUSTER', { owner: 'u-alice', resource: 'lkc-other1', createdAt: daysAgo(400) });
  cloud.roleBindings.push(
    {
      principal: 'User:sa-payments',
      role_name: 'ConnectManager',
      crn_pattern: `${cloud.clusterCrn}/connector=payments-*`,
    },
    { principal: 'User:u-alice', role_name: 'CloudClusterAdmin', crn_pattern: cloud.clusterCrn },
    { principal: 'User:u-ops', role_name: 'EnvironmentAdmin', crn_pattern: env },
    // Another environment's binding is that environment's review.
    {
      principal: 'User:u-alice',
      role_name: 'EnvironmentAdmin',
      crn_pattern: `crn://confluent.cloud/organization=${cloud.organizationId}/environment=env-other`,
    },
  );
  cloud.topics.add('payments.orders');
  cloud.topics.add('analytics.clicks');
  cloud.acls.push(
    {
      resource_type: 'TOPIC',
      resource_name: 'payments.',
      pattern_type: 'PREFIXED',
      principal: 'User:sa-payments',
      host: '*',
      operation: 'WRITE',
      permission: 'ALLOW',
    },
    {
      resource_type: 'TOPIC',
      resource_name: '*',
      pattern_type: 'LITERAL',
      principal: 'User:sa-payments',
      host: '*',
      operation: 'READ',
      permission: 'ALLOW',
    },
  );
});
afterEach(async () => cloud.stop());

describe('kcops access review on Confluent Cloud', () => {
  it('lists keys, accounts, users and bindings of this environment, flags and exits 6', async () => {
    const r = await cli('access', 'review', '--env', 'prod', '-o', 'json');
    expect(r.code, r.err).toBe(6);
    const review = JSON.parse(r.out) as {
      keys: { id: string; owner: string; ownerName?: string; lastUsedKnown: boolean }[];
      principals: { id: string; team?: string; rights: string[]; topics: string[]; connectors: string[] }[];
      findings: { kind: string; principal: string; key?: string; right?: string }[];
      notes: string[];
    };
    expect(review.keys.map((k) => [k.id, k.owner, k.ownerName])).toEqual([
      ['CLOUDKEY1234', 'User:sa-ci', 'deploy-pipeline'],
      ['PAYKEY', 'User:sa-payments', 'payments-connectors'],
      ['ALICEOLD', 'User:u-alice', 'Alice'],
    ]);
    expect(review.keys.every((k) => !k.lastUsedKnown)).toBe(true);
    expect(review.notes.join(' ')).toContain('does not report when a key was last used');
    const sa = review.principals.find((p) => p.id === 'User:sa-payments')!;
    expect(sa.team).toBe('payments');
    expect(sa.rights).toContain('ConnectManager on connector=payments-*');
    expect(sa.topics).toEqual(['analytics.clicks', 'payments.orders']);
    const alice = review.principals.find((p) => p.id === 'User:u-alice')!;
    expect(alice.rights).toEqual(['CloudClusterAdmin on the cluster']);
    expect(review.findings.map((f) => [f.kind, f.principal, f.key ?? f.right])).toEqual([
      ['right-too-broad', 'User:sa-payments', 'ALLOW READ TOPIC *'],
      ['console-role', 'User:u-alice', 'CloudClusterAdmin on the cluster'],
      ['key-rotation-overdue', 'User:u-alice', 'ALICEOLD'],
    ]);
    expect(violations).toEqual([]);
    // The exchanges the review made are the documented ones: IAM lists paged, role bindings by scope.
    const paths = cloud.exchanges.map((x) => new URL(x.url, 'http://x').pathname);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/iam/v2/api-keys',
        '/iam/v2/service-accounts',
        '/iam/v2/users',
        '/iam/v2/role-bindings',
        `/kafka/v3/clusters/${cloud.clusterId}/acls`,
      ]),
    );
  });

  it('writes the report as Markdown and CSV; --no-fail-on-findings exits 0', async () => {
    const md = await cli('access', 'review', '--env', 'prod', '-o', 'markdown');
    expect(md.code, md.err).toBe(6);
    expect(md.out).toMatch(/^# Access review: prod \(confluent-cloud\)\n/);
    expect(md.out).toContain('**3 finding(s)**');
    expect(md.out).toContain('| kind | principal | key | finding |');
    expect(md.out).toContain('## Keys');
    const csv = await cli('access', 'review', '--env', 'prod', '-o', 'csv', '--no-fail-on-findings');
    expect(csv.code, csv.err).toBe(0);
    const lines = csv.out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'principal,principal_name,kind,team,key_id,key_status,created,last_used,rights,connectors,topics,findings',
    );
    expect(lines.find((l) => l.startsWith('User:u-alice,Alice,user,,ALICEOLD,active,'))).toContain(
      'key-rotation-overdue',
    );
    expect(violations).toEqual([]);
  });

  it('a clean environment exits 0', async () => {
    cloud.apiKeys.delete('ALICEOLD');
    cloud.roleBindings.splice(1, 1);
    cloud.acls.splice(1, 1);
    const r = await cli('access', 'review', '--env', 'prod');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('No findings.');
    expect(r.out).toContain('PAYKEY');
  });
});

describe('who a Cloud API key is (IAM v2 GET /iam/v2/api-keys/{id})', () => {
  it('whoami shows the key owner with its name; the audit actor is that owner, KCOPS_ACTOR only its label', async () => {
    const who = await cli('whoami', '--env', 'prod', '-o', 'json');
    expect(who.code, who.err).toBe(0);
    expect(JSON.parse(who.out)).toMatchObject({
      principal: 'sa-ci',
      displayName: 'deploy-pipeline',
      keyId: 'CLOUDKEY1234',
      verifiedByCluster: true,
    });

    writeFileSync(
      join(dir, 'connectors/prod/payments-orders-s3.json'),
      JSON.stringify({
        name: 'payments-orders-s3',
        config: {
          'connector.class': 'S3_SINK',
          'kafka.auth.mode': 'KAFKA_API_KEY',
          'kafka.api.key': '${kcops-env:KAFKA_REST_KEY}',
          'kafka.api.secret': '${kcops-env:KAFKA_REST_SECRET}',
          'aws.access.key.id': 'AKIAFAKE',
          'aws.secret.access.key': '${kcops-env:KAFKA_REST_SECRET}',
          topics: 'payments.orders',
          's3.bucket.name': 'lake',
          'input.data.format': 'JSON',
          'output.data.format': 'JSON',
          'time.interval': 'HOURLY',
          'errors.deadletterqueue.topic.name': 'dlq-payments-orders-s3',
          'tasks.max': '1',
        },
      }),
    );
    const git = (...a: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'one connector');
    const apply = await runCli(['apply', '--env', 'prod', '--auto-approve', '-o', 'json'], {
      cwd: dir,
      env: { ...ENV, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl'), KCOPS_ACTOR: 'mallory' },
    });
    expect(apply.code, apply.err).toBe(0);
    const records = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { actor: string; actorLabel?: string });
    expect(records.at(-1)).toMatchObject({ actor: 'sa-ci (deploy-pipeline)', actorLabel: 'mallory' });
    expect(violations).toEqual([]);
  });

  it('a key IAM does not show: whoami says the cluster cannot say whose it is', async () => {
    cloud.apiKeys.delete('CLOUDKEY1234');
    const who = await cli('whoami', '--env', 'prod', '-o', 'json');
    expect(who.code, who.err).toBe(0);
    expect(JSON.parse(who.out)).toMatchObject({ principal: null, keyId: 'CLOUDKEY1234', verifiedByCluster: false });
    expect(violations).toEqual([]);
  });
});
