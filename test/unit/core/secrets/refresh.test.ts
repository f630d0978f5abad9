import { describe, expect, it } from 'vitest';
import { digestSecrets, refreshPlan, secretKeyFrom, type SecretState } from '../../../../src/core/secrets/refresh.js';
import type { DesiredConnector, Plan } from '../../../../src/core/plan/types.js';

const key = secretKeyFrom(Buffer.from('k'.repeat(32)));
const store: Record<string, string> = { '${ci:PW}': 'one', '${ci:TOKEN}': 'tok' };
const isKcops = (ref: string) => ref.startsWith('${ci:');
const resolve = (ref: string) => store[ref]!;

const desired: DesiredConnector[] = [
  {
    name: 'a',
    state: 'RUNNING',
    file: 'connectors/prod/a.json',
    config: {
      'connection.password': '${ci:PW}',
      'connection.url': 'jdbc:postgresql://db/app?password=${ci:PW}',
      'other.password': '${file:/x:y}', // the worker's: never read, never hashed
      topics: 'orders',
    },
  },
  { name: 'b', state: 'RUNNING', file: 'connectors/prod/b.json', config: { token: '${ci:TOKEN}' } },
];

const plan = (actions: Record<string, Plan['changes'][number]['action']>): Plan => ({
  formatVersion: 1,
  env: 'prod',
  fingerprint: 'v1:00:' + '0'.repeat(64),
  changes: Object.entries(actions).map(([connector, action]) => ({ connector, action, fields: [] })),
  unmanaged: [],
  notInGit: [],
});

describe('secret digests and plan --refresh-secrets', () => {
  it('hashes only kcops-resolved values, keyed and per connector and key, never the values', async () => {
    const d = await digestSecrets(desired, isKcops, resolve, key);
    expect(Object.keys(d.a!).sort()).toEqual(['connection.password', 'connection.url']);
    expect(d.a!['connection.password']).not.toBe(d.a!['connection.url']);
    expect(JSON.stringify(d)).not.toContain('one');
    const other = await digestSecrets(desired, isKcops, resolve, secretKeyFrom(Buffer.from('z'.repeat(32))));
    expect(other.a!['connection.password']).not.toBe(d.a!['connection.password']);
  });

  it('proposes an update for exactly the keys whose value changed in the store', async () => {
    const before: SecretState = {
      formatVersion: 1,
      keyId: key.id,
      connectors: await digestSecrets(desired, isKcops, resolve, key),
    };
    store['${ci:PW}'] = 'two';
    const now = await digestSecrets(desired, isKcops, resolve, key);
    const { plan: p, report } = refreshPlan(plan({ a: 'none', b: 'pause' }), now, before, key);
    expect(p.changes).toEqual([
      {
        connector: 'a',
        action: 'update',
        fields: [
          { key: 'connection.password', before: '(sensitive)', after: '(sensitive value changed)', sensitive: true },
          { key: 'connection.url', before: '(sensitive)', after: '(sensitive value changed)', sensitive: true },
        ],
      },
      { connector: 'b', action: 'pause', fields: [] },
    ]);
    expect(report).toEqual({
      changed: [
        { connector: 'a', key: 'connection.password' },
        { connector: 'a', key: 'connection.url' },
      ],
      noBaseline: [],
    });
    store['${ci:PW}'] = 'one';
  });

  it('a baseline hashed with another key, or none, is reported and changes nothing', async () => {
    const now = await digestSecrets(desired, isKcops, resolve, key);
    const foreign: SecretState = { formatVersion: 1, keyId: 'other', connectors: now };
    const r = refreshPlan(plan({ a: 'none', b: 'none' }), now, foreign, key);
    expect(r.plan.changes.map((c) => c.action)).toEqual(['none', 'none']);
    expect(r.report.noBaseline).toEqual(['a', 'b']);
    expect(refreshPlan(plan({ a: 'create' }), now, undefined, key).report.noBaseline).toEqual([]);
  });
});
