/**
 * Issue #15 §2 on Confluent Cloud: day-2 commands refuse, before any request about the connector, what the role
 * bindings of the API key's owner do not allow (core/auth/cloud-roles.ts); the stand-in enforces role bindings too, so
 * a request the pre-check let through would really be refused; when IAM cannot be read, kcops lets Cloud decide and
 * Cloud's 403 reads the same (CONNECTOR_NOT_OWNED).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import type { Exchange, Violation } from '../../fakes/confluent-cloud/openapi-contract.js';
import type { FakeConfluentCloud } from '../../fakes/confluent-cloud/server.js';
import { cloudProjectYaml } from '../../fakes/confluent-cloud/project.js';
import { runCli } from '../../support/run-cli.js';

let cloud: FakeConfluentCloud;
let violations: Violation[];
let dir: string;
const NAME = 'payments-orders-gen';
const OWNER = 'sa-payments-ci';

const ENV = { NO_COLOR: '1', CCLOUD_API_KEY: 'CLOUDKEY1234', CCLOUD_API_SECRET: 'cloud-secret-value' };
const cli = (...argv: string[]) =>
  runCli([...argv, '--env', 'prod', '-o', 'json'], {
    cwd: dir,
    env: { ...ENV, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') },
  });
const errorOf = (err: string): { code: string; message: string; hint: string } =>
  (JSON.parse(err) as { error: { code: string; message: string; hint: string } }).error;

/** Requests about the connector: its Connect v1 endpoints, and the logs and metrics queries that name it or its id. */
function aboutConnector(xs: Exchange[]): string[] {
  const id = cloud.connectors.get(NAME)!.id;
  return xs
    .filter(
      (x) =>
        x.url.includes(`/connectors/${NAME}`) || JSON.stringify(x.requestBody ?? '').match(new RegExp(`${NAME}|${id}`)),
    )
    .map((x) => `${x.method} ${x.url}`);
}

const bind = (role: string, crn: string) =>
  cloud.roleBindings.push({ principal: `User:${OWNER}`, role_name: role, crn_pattern: crn });

beforeEach(async () => {
  ({ cloud, violations } = await startCheckedCloud({ provisioningReads: 0 }));
  dir = mkdtempSync(join(tmpdir(), 'kcops-ccloud-own-'));
  writeFileSync(join(dir, 'kcops.yaml'), cloudProjectYaml(cloud));
  writeFileSync(join(dir, 'offsets.json'), JSON.stringify({ offsets: [{ partition: { p: 0 }, offset: { o: 1 } }] }));
  // The connector exists before access is enforced (an admin made it).
  const res = await fetch(
    `${cloud.url}/connect/v1/environments/${cloud.environmentId}/clusters/${cloud.clusterId}/connectors`,
    {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from('CLOUDKEY1234:cloud-secret-value').toString('base64'),
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        name: NAME,
        config: {
          'connector.class': 'DatagenSource',
          name: NAME,
          'kafka.auth.mode': 'KAFKA_API_KEY',
          'kafka.api.key': 'K',
          'kafka.api.secret': 'S',
          'kafka.topic': 'orders',
        },
      }),
    },
  );
  expect(res.status).toBe(201);
  cloud.apiKeys.set('CLOUDKEY1234', { owner: OWNER, createdAt: '2026-01-01T00:00:00Z' });
  cloud.serviceAccounts.set(OWNER, 'payments CI');
  cloud.enforceRoleBindings = true;
  cloud.exchanges.length = 0;
});
afterEach(async () => cloud.stop());

const DAY2: [string, string[]][] = [
  ['status', ['connect', 'status', NAME]],
  ['describe', ['connect', 'describe', NAME]],
  ['pause', ['connect', 'pause', NAME]],
  ['resume', ['connect', 'resume', NAME]],
  ['restart', ['connect', 'restart', NAME]],
  ['delete', ['connect', 'delete', NAME, '--approve']],
  ['config update', ['connect', 'cluster', 'update', NAME, '--config', 'tasks.max=2']],
  ['offsets get', ['connect', 'offsets', 'get', NAME]],
  ['offsets alter', ['connect', 'offsets', 'alter', NAME, '--offsets-file', 'offsets.json']],
  ['offsets reset', ['connect', 'offsets', 'reset', NAME, '--approve']],
  ['logs', ['connect', 'logs', NAME]],
  ['metrics', ['connect', 'metrics', NAME]],
];

describe('day-2 commands on Confluent Cloud check the key owner’s role bindings first (issue #15 §2)', () => {
  it.each(DAY2)(
    '%s, by a key whose owner holds no role on the connector, is refused with no request about it',
    async (_l, argv) => {
      const r = await cli(...argv);
      expect(r.code, r.err).toBe(1);
      const e = errorOf(r.err);
      expect(e.code).toBe('CONNECTOR_NOT_OWNED');
      expect(e.message).toContain('Refused before calling Confluent Cloud');
      expect(e.message).toContain(`API key CLOUDKEY1234 (${OWNER} (payments CI))`);
      expect(e.hint).toContain(`--principal User:${OWNER}`);
      expect(e.hint).toContain(`--cloud-cluster ${cloud.clusterId} --resource Connector:${NAME}`);
      expect(e.hint).toContain('Key from: ${kcops-env:CCLOUD_API_SECRET}');
      expect(aboutConnector(cloud.exchanges)).toEqual([]);
      expect(violations).toEqual([]);
    },
  );

  it('DeveloperRead on the prefix reads but may not pause, restart, delete or read logs: no such request is made', async () => {
    bind('DeveloperRead', `${cloud.clusterCrn}/connector=payments-*`);
    const status = await cli('connect', 'status', NAME);
    expect(status.code, status.err).toBe(0);
    for (const [argv, role] of [
      [['connect', 'pause', NAME], 'ConnectManager'],
      [['connect', 'restart', NAME], 'ConnectManager'],
      [['connect', 'delete', NAME, '--approve'], 'ResourceOwner'],
      [['connect', 'logs', NAME], 'ConnectManager'],
    ] as const) {
      const r = await cli(...argv);
      expect(r.code, r.err).toBe(1);
      const e = errorOf(r.err);
      expect(e.code).toBe('CONNECTOR_NOT_OWNED');
      expect(e.message).toContain(
        `its role bindings there (DeveloperRead on ${cloud.clusterCrn}/connector=payments-*)`,
      );
      expect(e.hint).toContain(`--role ${role}`);
    }
    const sent = cloud.exchanges.filter((x) => x.url.includes(`/connectors/${NAME}`)).map((x) => x.method);
    expect(new Set(sent)).toEqual(new Set(['GET']));
    expect(cloud.exchanges.filter((x) => x.status === 403)).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('ConnectManager on the connector may pause and resume it; the role bindings are read once per command', async () => {
    bind('ConnectManager', `${cloud.clusterCrn}/connector=${NAME}`);
    const p = await cli('connect', 'pause', NAME);
    expect(p.code, p.err).toBe(0);
    expect(cloud.connectors.get(NAME)!.state).toBe('PAUSED');
    const reads = cloud.exchanges.filter((x) => x.url.startsWith('/iam/v2/role-bindings'));
    // The organisation's own bindings and those beneath it: one page each.
    expect(reads).toHaveLength(2);
    expect(reads.every((x) => x.url.includes(`principal=User%3A${OWNER}`))).toBe(true);
    const r = await cli('connect', 'resume', NAME);
    expect(r.code, r.err).toBe(0);
    expect(cloud.exchanges.filter((x) => x.status === 403)).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('EnvironmentAdmin on the environment may delete', async () => {
    bind(
      'EnvironmentAdmin',
      `crn://confluent.cloud/organization=${cloud.organizationId}/environment=${cloud.environmentId}`,
    );
    const r = await cli('connect', 'delete', NAME, '--approve');
    expect(r.code, r.err).toBe(0);
    expect(cloud.connectors.has(NAME)).toBe(false);
    expect(violations).toEqual([]);
  });

  it('role bindings unreadable (403 on IAM): the command proceeds, says why at debug, and Cloud’s 403 is CONNECTOR_NOT_OWNED', async () => {
    cloud.roleBindingsForbidden = true;
    // Cloud lets it read the status (DeveloperRead), not pause: kcops cannot know, so it asks, and Cloud says no.
    bind('DeveloperRead', `${cloud.clusterCrn}/connector=payments-*`);
    const r = await runCli(['connect', 'pause', NAME, '--env', 'prod', '-o', 'json', '--debug'], {
      cwd: dir,
      env: { ...ENV, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') },
    });
    expect(r.code, r.err).toBe(1);
    expect(cloud.exchanges.some((x) => x.method === 'PUT' && x.url.endsWith(`/connectors/${NAME}/pause`))).toBe(true);
    expect(r.err).toMatch(/ownership pre-check skipped: the role bindings of sa-payments-ci could not be read/);
    const e = errorOf(r.err.slice(r.err.indexOf('{\n  "formatVersion"')));
    expect(e.code).toBe('CONNECTOR_NOT_OWNED');
    expect(e.message).toContain(
      `Confluent Cloud refused it (403): API key CLOUDKEY1234 may not pause or resume connector '${NAME}': Confluent Cloud answered 403.`,
    );
    expect(e.hint).toContain('--role ConnectManager');
    // The Connect v1 document declares 403 only on the offsets operations; the real service answers it to others too.
    expect(violations.map((v) => v.problem)).toEqual([expect.stringContaining('status 403 is not declared')]);
  });

  it('a key IAM does not know (no owner): nothing is refused by kcops, and Cloud decides', async () => {
    cloud.apiKeys.delete('CLOUDKEY1234');
    cloud.enforceRoleBindings = false;
    const r = await cli('connect', 'status', NAME);
    expect(r.code, r.err).toBe(0);
    expect(cloud.exchanges.some((x) => x.url.startsWith('/iam/v2/role-bindings'))).toBe(false);
  });
});
