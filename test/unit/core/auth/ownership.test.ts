import { describe, expect, it } from 'vitest';
import type { ClusterIdentity, ConnectCluster } from '../../../../src/connect/cluster.js';
import { connectorNotOwned, parseNotOwned } from '../../../../src/connect/not-owned.js';
import { fromStatus } from '../../../../src/connect/self-managed/errors.js';
import { decideOwnership, ownerOf, type Ownership } from '../../../../src/core/auth/ownership.js';
import { guardOwnership } from '../../../../src/core/auth/ownership-guard.js';
import { UserError } from '../../../../src/errors.js';

const teams: Ownership = {
  payments: { prefixes: ['payments-'] },
  analytics: { prefixes: ['analytics-'] },
  'payments-eu': { prefixes: ['payments-eu-'] },
};
const id = (roles: Record<string, string>, admin = false): ClusterIdentity => ({
  principal: 'alice',
  keyId: 'K1',
  admin,
  roles,
});

describe('ownerOf', () => {
  it.each([
    ['payments-orders', 'payments'],
    ['payments-eu-orders', 'payments-eu'],
    ['analytics-clicks', 'analytics'],
    ['orders', undefined],
    ['Payments-orders', undefined],
  ])('%s belongs to %s (longest prefix wins, case counts)', (name, owner) => {
    expect(ownerOf(teams, name)).toBe(owner);
  });
});

describe('decideOwnership', () => {
  it.each<[string, Record<string, string>, string, 'read' | 'change', boolean]>([
    ['operator, own team, change', { payments: 'operator' }, 'payments-a', 'change', true],
    ['operator, own team, read', { payments: 'operator' }, 'payments-a', 'read', true],
    ['operator, other team, read', { payments: 'operator' }, 'analytics-a', 'read', false],
    ['operator, other team, change', { payments: 'operator' }, 'analytics-a', 'change', false],
    ['viewer, own team, read', { payments: 'viewer' }, 'payments-a', 'read', true],
    ['viewer, own team, change', { payments: 'viewer' }, 'payments-a', 'change', false],
    ['team admin, own team, change', { payments: 'admin' }, 'payments-a', 'change', true],
    ['longer prefix of another team', { payments: 'operator' }, 'payments-eu-a', 'change', false],
    ['name no team owns', { payments: 'operator' }, 'orders', 'read', false],
    ['unknown role string', { payments: 'superuser' }, 'payments-a', 'read', false],
  ])('%s', (_label, roles, connector, access, allowed) => {
    expect(decideOwnership(id(roles), teams, connector, access)?.allowed).toBe(allowed);
  });

  it('says which team owns the name and the role held', () => {
    expect(decideOwnership(id({ payments: 'viewer' }), teams, 'payments-a', 'change')).toEqual({
      allowed: false,
      connector: 'payments-a',
      access: 'change',
      owner: 'payments',
      held: 'viewer',
    });
    expect(decideOwnership(id({ payments: 'operator' }), teams, 'analytics-a', 'read')).toEqual({
      allowed: false,
      connector: 'analytics-a',
      access: 'read',
      owner: 'analytics',
    });
  });

  it('a global admin may do everything, even without a table', () => {
    expect(decideOwnership(id({ '*': 'admin' }, true), teams, 'orders', 'change')).toEqual({ allowed: true });
    expect(decideOwnership(id({ '*': 'admin' }), {}, 'orders', 'change')).toEqual({ allowed: true });
  });

  it('cannot tell without an identity or without an ownership table: the cluster decides', () => {
    expect(decideOwnership(undefined, teams, 'analytics-a', 'change')).toBeUndefined();
    expect(decideOwnership(id({ payments: 'operator' }), {}, 'analytics-a', 'change')).toBeUndefined();
  });

  it('a team named like an Object method is only what the roles say', () => {
    const t: Ownership = { constructor: { prefixes: ['c-'] } };
    expect(decideOwnership(id({}), t, 'c-x', 'read')?.allowed).toBe(false);
  });
});

/** A cluster that records every call and answers whoami with the given identity. */
function recordingCluster(who: ClusterIdentity | undefined) {
  const calls: string[] = [];
  const rec =
    (name: string) =>
    async (...a: unknown[]): Promise<undefined> => {
      calls.push(`${name}(${a.map((x) => JSON.stringify(x)).join(',')})`);
      return undefined;
    };
  const c = {
    id: 'http://w1',
    credentialKeyId: 'K1',
    traits: { serverManagedKeys: ['name'], isMasked: () => false, supportsInitialState: true },
    collect: rec('collect'),
    status: rec('status'),
    create: rec('create'),
    updateConfig: rec('updateConfig'),
    delete: rec('delete'),
    pause: rec('pause'),
    resume: rec('resume'),
    stop: rec('stop'),
    restart: rec('restart'),
    restartTask: rec('restartTask'),
    plugins: rec('plugins'),
    validateConfig: rec('validateConfig'),
    getOffsets: rec('getOffsets'),
    alterOffsets: rec('alterOffsets'),
    resetOffsets: rec('resetOffsets'),
    serverInfo: rec('serverInfo'),
    connectorConfig: rec('connectorConfig'),
    connectorTopics: rec('connectorTopics'),
    pluginConfig: rec('pluginConfig'),
    whoami: async () => {
      calls.push('whoami()');
      return who;
    },
    close: async () => undefined,
  } as unknown as ConnectCluster; // the recorder answers undefined to everything; the guard only forwards
  return { c, calls };
}

describe('guardOwnership', () => {
  const payments = id({ payments: 'operator' });

  it.each([
    ['status', (g: ConnectCluster) => g.status('analytics-a')],
    ['pause', (g: ConnectCluster) => g.pause('analytics-a')],
    ['resume', (g: ConnectCluster) => g.resume('analytics-a')],
    ['stop', (g: ConnectCluster) => g.stop('analytics-a')],
    ['restart', (g: ConnectCluster) => g.restart('analytics-a', { onlyFailed: true, includeTasks: true })],
    ['restartTask', (g: ConnectCluster) => g.restartTask('analytics-a', 0)],
    ['delete', (g: ConnectCluster) => g.delete('analytics-a')],
    ['updateConfig', (g: ConnectCluster) => g.updateConfig('analytics-a', {})],
    ['create', (g: ConnectCluster) => g.create('analytics-a', {})],
    ['getOffsets', (g: ConnectCluster) => g.getOffsets('analytics-a')],
    ['alterOffsets', (g: ConnectCluster) => g.alterOffsets('analytics-a', [])],
    ['resetOffsets', (g: ConnectCluster) => g.resetOffsets('analytics-a')],
    ['connectorConfig', (g: ConnectCluster) => g.connectorConfig('analytics-a')],
    ['connectorTopics', (g: ConnectCluster) => g.connectorTopics('analytics-a')],
  ])("%s of another team's connector is refused with no call but whoami", async (_m, call) => {
    const { c, calls } = recordingCluster(payments);
    const g = guardOwnership(c, { ownership: teams, credentialSource: 'kcops login (/p)' });
    const e = await call(g).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).code).toBe('CONNECTOR_NOT_OWNED');
    expect((e as UserError).exitCode).toBe(1);
    expect((e as UserError).message).toContain("it belongs to team 'analytics'");
    expect((e as UserError).hint).toContain('--role analytics=');
    expect((e as UserError).hint).toContain('kcops login (/p)');
    expect(calls).toEqual(['whoami()']);
  });

  it("forwards the team's own connectors with their arguments; asks whoami once per client", async () => {
    const { c, calls } = recordingCluster(payments);
    const g = guardOwnership(c, { ownership: teams });
    await g.status('payments-a');
    await g.restart('payments-a', { onlyFailed: false, includeTasks: true });
    await g.alterOffsets('payments-a', [{ partition: { p: 1 }, offset: { o: 2 } }]);
    expect(calls).toEqual([
      'whoami()',
      'status("payments-a")',
      'restart("payments-a",{"onlyFailed":false,"includeTasks":true})',
      'alterOffsets("payments-a",[{"partition":{"p":1},"offset":{"o":2}}])',
    ]);
    expect(await g.whoami?.()).toBe(payments);
    expect(calls.filter((x) => x === 'whoami()')).toHaveLength(1);
  });

  it('a viewer reads its team but is refused a change before it is sent', async () => {
    const { c, calls } = recordingCluster(id({ payments: 'viewer' }));
    const g = guardOwnership(c, { ownership: teams });
    await g.status('payments-a');
    const e = (await g.pause('payments-a').catch((x: unknown) => x)) as UserError;
    expect(e.code).toBe('CONNECTOR_NOT_OWNED');
    expect(e.message).toContain('only viewer');
    expect(e.hint).toContain('--role payments=operator');
    expect(calls).toEqual(['whoami()', 'status("payments-a")']);
  });

  it('calls not about one connector pass through; without an identity everything is left to the cluster', async () => {
    const { c, calls } = recordingCluster(undefined);
    const g = guardOwnership(c, { ownership: teams });
    await g.collect();
    await g.pause('analytics-a');
    expect(calls).toEqual(['collect()', 'whoami()', 'pause("analytics-a")']);
  });
});

describe("the workers' 403 maps to the same refusal", () => {
  const ctx = {
    url: 'http://w1',
    method: 'PUT',
    path: '/connectors/analytics-a/pause',
    credentialRef: '${env:KCOPS_CONNECT_KEY_SECRET}',
    username: 'K1',
  };

  it("the extension's connector refusal becomes CONNECTOR_NOT_OWNED", () => {
    const e = fromStatus(ctx, 403, {
      error_code: 403,
      message: "API key K1 (payments-operator) may not change connector 'analytics-a': it belongs to team 'analytics'.",
    });
    expect(e.code).toBe('CONNECTOR_NOT_OWNED');
    expect(e.message).toBe(
      "The workers refused it (403): key K1 (payments-operator) may not change connector 'analytics-a': it belongs to team 'analytics'.",
    );
    expect(e.hint).toContain('${env:KCOPS_CONNECT_KEY_SECRET}');
    const own = connectorNotOwned({
      connector: 'analytics-a',
      access: 'change',
      owner: 'analytics',
      keyId: 'K1',
      principal: 'payments-operator',
      credentialSource: '${env:KCOPS_CONNECT_KEY_SECRET}',
      decidedBy: 'kcops',
    });
    expect(own.code).toBe(e.code);
    expect(own.hint).toBe(e.hint);
  });

  it('a name no team owns, and a read', () => {
    expect(parseNotOwned("API key K1 (p) may not read connector 'x y': no team owns that name.")).toEqual({
      keyId: 'K1',
      principal: 'p',
      access: 'read',
      connector: 'x y',
      owner: undefined,
    });
  });

  it('other 403s (admin-only endpoints, topic tracking) stay CONNECT_FORBIDDEN', () => {
    expect(
      fromStatus(ctx, 403, { message: 'API key K1 (p) may not change PUT /admin/loggers/{logger}: admins only.' }).code,
    ).toBe('CONNECT_FORBIDDEN');
    expect(fromStatus(ctx, 403, { message: 'Topic tracking is disabled.' }).code).toBe('CONNECT_FORBIDDEN');
  });
});
