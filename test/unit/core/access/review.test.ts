import { describe, expect, it } from 'vitest';
import { DEFAULT_REVIEW_POLICY, reviewAccess, type DeclaredTeam } from '../../../../src/core/access/review.js';
import type { AccessInventory, InventoryKey } from '../../../../src/core/access/review-inventory.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

function selfManaged(over: Partial<AccessInventory> = {}): AccessInventory {
  return {
    platform: 'self-managed',
    platformTeams: { payments: { prefixes: ['payments-'] }, analytics: { prefixes: ['analytics-'] } },
    principals: [
      { id: 'kcops-admin', kind: 'key-principal' },
      { id: 'payments-operator', kind: 'key-principal' },
    ],
    keys: [
      key({ id: 'ADMINKEY', owner: 'kcops-admin', roles: { '*': 'admin' } }),
      key({ id: 'PAYKEY', owner: 'payments-operator', roles: { payments: 'operator' } }),
    ],
    acls: [
      acl('User:sa-payments', 'TOPIC', 'payments.', 'PREFIXED', 'ALL'),
      acl('User:sa-payments', 'GROUP', 'connect-payments', 'PREFIXED', 'ALL'),
      acl('User:sa-payments', 'TRANSACTIONAL_ID', 'kcops-dev-connect-payments', 'PREFIXED', 'ALL'),
      acl('User:sa-payments', 'CLUSTER', 'kafka-cluster', 'LITERAL', 'IDEMPOTENT_WRITE'),
    ],
    roleBindings: [],
    connectors: ['analytics-clicks', 'payments-orders', 'payments-refunds'],
    topics: ['analytics.clicks', 'payments.orders', 'payments.refunds'],
    usageReported: true,
    notes: [],
    ...over,
  };
}

function key(k: Partial<InventoryKey> & { id: string; owner: string }): InventoryKey {
  return { status: 'active', createdAt: daysAgo(10), lastUsedAt: daysAgo(1), ...k };
}

function acl(principal: string, resourceType: string, resourceName: string, patternType: string, operation: string) {
  return { principal, resourceType, resourceName, patternType, operation, permission: 'ALLOW', host: '*' };
}

const teams: Record<string, DeclaredTeam> = {
  payments: { prefixes: ['payments-'], serviceAccounts: ['sa-payments'] },
  analytics: { prefixes: ['analytics-'], serviceAccounts: [] },
};

const review = (inventory: AccessInventory, policy = DEFAULT_REVIEW_POLICY) =>
  reviewAccess({ inventory, teams, policy, now: NOW });

describe('access review (pure)', () => {
  it('a clean inventory: every principal with its keys, rights, connectors and topics, no finding', () => {
    const r = review(selfManaged());
    expect(r.findings).toEqual([]);
    const admin = r.principals.find((p) => p.id === 'kcops-admin')!;
    expect(admin.connectors).toEqual(['analytics-clicks', 'payments-orders', 'payments-refunds']);
    expect(admin.rights).toEqual(['admin (all teams)']);
    const pay = r.principals.find((p) => p.id === 'payments-operator')!;
    expect(pay).toMatchObject({ keys: ['PAYKEY'], rights: ['payments=operator'] });
    expect(pay.connectors).toEqual(['payments-orders', 'payments-refunds']);
    const sa = r.principals.find((p) => p.id === 'User:sa-payments')!;
    expect(sa).toMatchObject({ kind: 'kafka-principal', team: 'payments', topicPatterns: ['payments.*'] });
    expect(sa.topics).toEqual(['payments.orders', 'payments.refunds']);
    expect(sa.rights).toContain('ALLOW ALL TOPIC payments.*');
    expect(r.keys.map((k) => [k.id, k.ageDays, k.lastUsedKnown])).toEqual([
      ['ADMINKEY', 10, true],
      ['PAYKEY', 10, true],
    ]);
  });

  it('flags a key older than the rotation policy (configurable), not a revoked one', () => {
    const inv = selfManaged({
      keys: [
        key({ id: 'OLD', owner: 'payments-operator', createdAt: daysAgo(120), roles: { payments: 'operator' } }),
        key({ id: 'GONE', owner: 'payments-operator', createdAt: daysAgo(400), status: 'revoked', roles: {} }),
      ],
    });
    const f = review(inv).findings;
    expect(f).toEqual([
      expect.objectContaining({ kind: 'key-rotation-overdue', key: 'OLD', principal: 'payments-operator' }),
    ]);
    expect(f[0]!.message).toContain('120 days old (rotation policy: 90 days)');
    expect(review(inv, { ...DEFAULT_REVIEW_POLICY, keyRotationDays: 180 }).findings).toEqual([]);
  });

  it('flags keys never used past the grace period and keys idle longer than the policy', () => {
    const inv = selfManaged({
      keys: [
        key({ id: 'NEVER', owner: 'a', lastUsedAt: null, createdAt: daysAgo(30) }),
        key({ id: 'FRESH', owner: 'a', lastUsedAt: null, createdAt: daysAgo(2) }),
        key({ id: 'IDLE', owner: 'a', lastUsedAt: daysAgo(100), createdAt: daysAgo(50) }),
        key({ id: 'BUSY', owner: 'a', lastUsedAt: daysAgo(3) }),
      ],
    });
    const f = review(inv).findings;
    expect(f.map((x) => [x.kind, x.key])).toEqual([
      ['key-unused', 'IDLE'],
      ['key-unused', 'NEVER'],
    ]);
    expect(f.find((x) => x.key === 'NEVER')!.message).toContain('never used in the 30 days');
    expect(f.find((x) => x.key === 'IDLE')!.message).toContain('last used 100 days ago');
    expect(review(inv, { ...DEFAULT_REVIEW_POLICY, unusedKeyDays: 120 }).findings.map((x) => x.key)).toEqual(['NEVER']);
  });

  it('does not flag unused keys where the platform does not report use, and says so', () => {
    const r = review(
      selfManaged({ usageReported: false, keys: [key({ id: 'K', owner: 'a', lastUsedAt: undefined })] }),
    );
    expect(r.findings).toEqual([]);
    expect(r.keys[0]).toMatchObject({ lastUsedAt: null, lastUsedKnown: false });
    expect(r.notes.join(' ')).toContain('does not report when a key was last used');
  });

  it('flags an ACL on "*" for anyone, and a prefix wider than the team or outside it for a team principal', () => {
    const r = review(
      selfManaged({
        acls: [
          acl('User:reporting', 'TOPIC', '*', 'LITERAL', 'READ'),
          acl('User:sa-payments', 'TOPIC', 'pay', 'PREFIXED', 'READ'),
          acl('User:sa-payments', 'TOPIC', 'analytics.clicks', 'LITERAL', 'READ'),
          acl('User:sa-payments', 'GROUP', '', 'PREFIXED', 'READ'),
          acl('User:sa-payments', 'CLUSTER', 'kafka-cluster', 'LITERAL', 'ALTER'),
          acl('User:sa-payments', 'TOPIC', 'payments.', 'PREFIXED', 'ALL'),
        ],
      }),
    );
    const broad = r.findings.filter((f) => f.kind === 'right-too-broad');
    expect(broad.map((f) => [f.principal, f.right])).toEqual([
      ['User:reporting', 'ALLOW READ TOPIC *'],
      ['User:sa-payments', 'ALLOW READ TOPIC pay*'],
      ['User:sa-payments', 'ALLOW READ TOPIC analytics.clicks'],
      ['User:sa-payments', 'ALLOW READ GROUP *'],
      ['User:sa-payments', 'ALLOW ALTER CLUSTER kafka-cluster'],
    ]);
    expect(broad[1]!.message).toContain('wider than the team');
    expect(broad[2]!.message).toContain('outside the team');
    const reporting = r.principals.find((p) => p.id === 'User:reporting')!;
    expect(reporting.topics).toEqual(['analytics.clicks', 'payments.orders', 'payments.refunds']);
    expect(reporting.findings).toBe(1);
  });

  it('flags a key whose team the workers enforce with a prefix wider than kcops.yaml gives the team', () => {
    const r = review(selfManaged({ platformTeams: { payments: { prefixes: ['pay'] } } }));
    expect(r.findings).toEqual([
      expect.objectContaining({ kind: 'right-too-broad', key: 'PAYKEY', right: 'payments=operator' }),
    ]);
  });

  describe('Confluent Cloud', () => {
    const org = 'crn://confluent.cloud/organization=o1';
    const env = `${org}/environment=env-1`;
    const cluster = `${env}/cloud-cluster=lkc-1`;
    const cloud = (over: Partial<AccessInventory> = {}): AccessInventory => ({
      platform: 'confluent-cloud',
      platformTeams: {},
      principals: [
        { id: 'User:sa-pay', kind: 'service-account', displayName: 'payments-connectors' },
        { id: 'User:u-alice', kind: 'user', displayName: 'Alice', email: 'alice@example.com' },
        { id: 'User:u-ops', kind: 'user', displayName: 'Ops' },
      ],
      keys: [
        { id: 'CK1', owner: 'User:sa-pay', status: 'active', createdAt: daysAgo(5), resource: 'cloud' },
        { id: 'CK2', owner: 'User:u-alice', status: 'active', createdAt: daysAgo(200), resource: 'cloud' },
      ],
      acls: [],
      roleBindings: [
        { principal: 'User:sa-pay', role: 'ConnectManager', crn: `${cluster}/connector=payments-*` },
        { principal: 'User:sa-pay', role: 'DeveloperWrite', crn: `${cluster}/kafka=lkc-1/topic=payments.*` },
        { principal: 'User:u-alice', role: 'ConnectManager', crn: `${cluster}/connector=payments-orders` },
        { principal: 'User:u-alice', role: 'CloudClusterAdmin', crn: cluster },
        { principal: 'User:u-ops', role: 'EnvironmentAdmin', crn: env },
        { principal: 'User:u-alice', role: 'EnvironmentAdmin', crn: `${org}/environment=env-other` },
      ],
      connectors: ['analytics-clicks', 'payments-orders'],
      topics: ['analytics.clicks', 'payments.orders'],
      scope: { organization: org, environment: env, cluster },
      usageReported: false,
      notes: [],
      ...over,
    });
    const cloudTeams = { payments: { prefixes: ['payments-'], serviceAccounts: ['sa-pay'] } };

    it('lists users and service accounts with their bindings; flags console roles of end users, not of allowed ones', () => {
      const r = reviewAccess({
        inventory: cloud(),
        teams: cloudTeams,
        policy: { ...DEFAULT_REVIEW_POLICY, consoleUsers: ['u-ops'] },
        now: NOW,
      });
      const sa = r.principals.find((p) => p.id === 'User:sa-pay')!;
      expect(sa).toMatchObject({ name: 'payments-connectors', team: 'payments', keys: ['CK1'] });
      expect(sa.connectors).toEqual(['payments-orders']);
      expect(sa.topics).toEqual(['payments.orders']);
      const alice = r.principals.find((p) => p.id === 'User:u-alice')!;
      expect(alice.rights).toEqual(['ConnectManager on connector=payments-orders', 'CloudClusterAdmin on the cluster']);
      expect(alice.connectors).toEqual(['analytics-clicks', 'payments-orders']);
      expect(r.findings.map((f) => [f.kind, f.principal, f.right ?? f.key])).toEqual([
        ['console-role', 'User:u-alice', 'CloudClusterAdmin on the cluster'],
        ['key-rotation-overdue', 'User:u-alice', 'CK2'],
      ]);
      // u-ops is the infrastructure team's: allowed; without the allowance it is flagged too.
      const strict = reviewAccess({ inventory: cloud(), teams: cloudTeams, policy: DEFAULT_REVIEW_POLICY, now: NOW });
      expect(strict.findings.filter((f) => f.kind === 'console-role').map((f) => f.principal)).toEqual([
        'User:u-alice',
        'User:u-ops',
      ]);
    });

    it('flags a team service account bound wider than its prefix or with an admin role', () => {
      const r = reviewAccess({
        inventory: cloud({
          roleBindings: [
            { principal: 'User:sa-pay', role: 'ConnectManager', crn: `${cluster}/connector=*` },
            { principal: 'User:sa-pay', role: 'ResourceOwner', crn: `${cluster}/connector=pay*` },
            { principal: 'User:sa-pay', role: 'DeveloperRead', crn: `${cluster}/kafka=lkc-1/topic=analytics.*` },
            { principal: 'User:sa-pay', role: 'CloudClusterAdmin', crn: cluster },
          ],
        }),
        teams: cloudTeams,
        policy: DEFAULT_REVIEW_POLICY,
        now: NOW,
      });
      expect(r.findings.filter((f) => f.kind === 'right-too-broad').map((f) => f.right)).toEqual([
        'ConnectManager on connector=*',
        'ResourceOwner on connector=pay*',
        'DeveloperRead on topic=analytics.*',
        'CloudClusterAdmin on the cluster',
      ]);
    });
  });
});
