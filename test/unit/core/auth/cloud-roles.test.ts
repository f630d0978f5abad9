import { describe, expect, it } from 'vitest';
import {
  CLOUD_CONNECTOR_ROLES,
  CLOUD_VERBS,
  decideCloudAccess,
  reaches,
  ROLE_TO_ASK_FOR,
  type CloudBinding,
  type CloudScope,
  type CloudVerb,
} from '../../../../src/core/auth/cloud-roles.js';
import { cloudVerbOf } from '../../../../src/connect/confluent-cloud/connector-verbs.js';

const ORG = 'crn://confluent.cloud/organization=o-1';
const scope: CloudScope = {
  organization: ORG,
  environment: `${ORG}/environment=env-1`,
  cluster: `${ORG}/environment=env-1/cloud-cluster=lkc-1`,
};
const SA = 'sa-payments';
const bind = (role: string, crn: string, principal = `User:${SA}`): CloudBinding => ({ principal, role, crn });

/**
 * Confluent's table for fully managed connectors as kcops reads it (docs/reference/cloud-connector-roles.md), written
 * out a second time here: Y allowed, N refused, ? left to Cloud. Columns in CLOUD_VERBS order: status, config, logs,
 * metrics, offsets-read, pause-resume, restart, configure, offsets-change, delete, create.
 */
const TABLE: Record<string, string> = {
  OrganizationAdmin: 'YYYYYYYYYYY',
  EnvironmentAdmin: 'YYYYYYYYYYY',
  CloudClusterAdmin: 'YYYYYYYYYYY',
  ResourceOwner: 'YYYYYYYYYYY',
  ConnectManager: 'YYYY?YYN?NN',
  DeveloperWrite: 'YYNY?NNY?NN',
  DeveloperRead: 'YYNY?NNNNNN',
  Operator: 'YNNY???NNNN',
  DeveloperManage: '???????????',
};
const RESULT = { Y: 'allowed', N: 'denied', '?': 'unknown' } as const;

/** Where each role is bound in the table test: the admins at their own scope, the others on the connector's prefix. */
const WHERE: Record<string, string> = {
  OrganizationAdmin: scope.organization,
  EnvironmentAdmin: scope.environment,
  CloudClusterAdmin: scope.cluster,
};

describe('Confluent Cloud connector roles (issue #15 §2)', () => {
  it('the table covers every role and verb, and the written-out copy agrees with it', () => {
    expect(Object.keys(CLOUD_CONNECTOR_ROLES).sort()).toEqual(Object.keys(TABLE).sort());
    for (const [role, row] of Object.entries(TABLE))
      CLOUD_VERBS.forEach((v, i) =>
        expect(CLOUD_CONNECTOR_ROLES[role]![v], `${role} ${v}`).toBe(
          { Y: 'yes', N: 'no', '?': 'unclear' }[row[i] as 'Y' | 'N' | '?'],
        ),
      );
  });

  describe.each(Object.entries(TABLE))('%s', (role, row) => {
    it.each(CLOUD_VERBS.map((v, i) => [v, RESULT[row[i] as 'Y' | 'N' | '?']] as const))('%s → %s', (verb, expected) => {
      const b = bind(role, WHERE[role] ?? `${scope.cluster}/connector=payments-*`);
      const d = decideCloudAccess([b], scope, SA, 'payments-orders-s3', verb);
      expect(d.result).toBe(expected);
      if (d.result === 'allowed') expect(d.binding).toEqual(b);
      if (d.result === 'denied') expect(d.held).toEqual([b]);
      if (d.result === 'unknown') expect(d.binding).toEqual(b);
    });
  });

  it('the role to ask for allows the verb by the table', () => {
    for (const v of CLOUD_VERBS) expect(CLOUD_CONNECTOR_ROLES[ROLE_TO_ASK_FOR[v]]![v], v).toBe('yes');
  });

  it('reaches: organisation, environment, cluster, the exact name, a prefix, connector=*; not another scope', () => {
    const name = 'payments-orders-s3';
    const yes = [
      scope.organization,
      scope.environment,
      scope.cluster,
      `${scope.cluster}/connector=${name}`,
      `${scope.cluster}/connector=payments-*`,
      `${scope.cluster}/connector=*`,
    ];
    const no = [
      `${ORG}/environment=env-2`,
      `${ORG}/environment=env-1/cloud-cluster=lkc-2`,
      `${ORG}/environment=env-1/cloud-cluster=lkc-2/connector=*`,
      `${scope.cluster}/connector=payments-orders`,
      `${scope.cluster}/connector=billing-*`,
      `${scope.cluster}/kafka=lkc-1/topic=payments-orders-s3`,
      'crn://confluent.cloud/organization=o-2',
    ];
    for (const crn of yes) expect(reaches(bind('DeveloperRead', crn), scope, name), crn).toBe(true);
    for (const crn of no) expect(reaches(bind('DeveloperRead', crn), scope, name), crn).toBe(false);
  });

  it("an admin role elsewhere, another principal's binding or another connector's allow nothing: denied", () => {
    const bindings = [
      bind('EnvironmentAdmin', `${ORG}/environment=env-2`),
      bind('ResourceOwner', `${scope.cluster}/connector=payments-*`, 'User:sa-other'),
      bind('ResourceOwner', `${scope.cluster}/connector=billing-*`),
    ];
    for (const v of CLOUD_VERBS)
      expect(decideCloudAccess(bindings, scope, SA, 'payments-orders-s3', v)).toEqual({ result: 'denied', held: [] });
  });

  it('the strongest binding decides: DeveloperRead and ConnectManager together may pause, not delete', () => {
    const bindings = [
      bind('DeveloperRead', `${scope.cluster}/connector=payments-*`),
      bind('ConnectManager', `${scope.cluster}/connector=payments-orders-s3`),
    ];
    expect(decideCloudAccess(bindings, scope, SA, 'payments-orders-s3', 'pause-resume')).toMatchObject({
      result: 'allowed',
      binding: bindings[1],
    });
    expect(decideCloudAccess(bindings, scope, SA, 'payments-orders-s3', 'delete')).toEqual({
      result: 'denied',
      held: bindings,
    });
  });

  it('a role kcops has no row for, bound on the connector, is left to Cloud; elsewhere it is not a connector role', () => {
    const onConnector = [bind('SomeFutureRole', `${scope.cluster}/connector=payments-*`)];
    expect(decideCloudAccess(onConnector, scope, SA, 'payments-orders-s3', 'delete').result).toBe('unknown');
    const onCluster = [bind('FlinkDeveloper', scope.environment)];
    expect(decideCloudAccess(onCluster, scope, SA, 'payments-orders-s3', 'delete').result).toBe('denied');
  });

  it('a user-owned key is never refused: an SSO group may give it roles kcops does not read', () => {
    const d = decideCloudAccess([], scope, 'u-alice', 'payments-orders-s3', 'delete');
    expect(d).toMatchObject({ result: 'unknown', reason: expect.stringContaining('SSO group') });
  });

  it("maps Connect v1 requests to the table's verbs (for the 403's hint)", () => {
    const cases: [string, string, CloudVerb][] = [
      ['GET', '/status', 'status'],
      ['GET', '/tasks', 'status'],
      ['GET', '/config', 'config'],
      ['GET', '', 'config'],
      ['PUT', '/pause', 'pause-resume'],
      ['PUT', '/resume', 'pause-resume'],
      ['POST', '/restart', 'restart'],
      ['PUT', '/config', 'configure'],
      ['DELETE', '', 'delete'],
      ['GET', '/offsets', 'offsets-read'],
      ['GET', '/offsets/request/status', 'offsets-read'],
      ['POST', '/offsets/request', 'offsets-change'],
    ];
    for (const [m, p, v] of cases) expect(cloudVerbOf(m, p), `${m} ${p}`).toBe(v);
  });
});
