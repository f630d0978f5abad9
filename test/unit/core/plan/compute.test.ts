import { describe, expect, it } from 'vitest';
import type { ActualConnector, ClusterTraits, ObservedState } from '../../../../src/connect/cluster.js';
import { computePlan, hasChanges } from '../../../../src/core/plan/compute.js';
import { assertPlanCurrent } from '../../../../src/core/plan/stale.js';
import { parsePlan } from '../../../../src/core/plan/plan-file.js';
import type { DesiredConnector, PlanOptions } from '../../../../src/core/plan/types.js';

const selfManaged: ClusterTraits = { serverManagedKeys: ['name'], isMasked: () => false, supportsInitialState: true };
const cloudLike: ClusterTraits = {
  serverManagedKeys: ['name', 'cloud.environment', 'kafka.endpoint', 'connector.crn'],
  isMasked: (v) => /^\*{4,}$/.test(v),
  supportsInitialState: true,
};
const base = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  topics: 'payments.orders',
  file: '/tmp/x',
};

const d = (
  name: string,
  config: Record<string, string> = base,
  state: DesiredConnector['state'] = 'RUNNING',
): DesiredConnector => ({ name, config, state, file: `connectors/dev/${name}.json` });
const a = (name: string, config: Record<string, string> = base, state: ObservedState = 'RUNNING'): ActualConnector => ({
  name,
  config: { ...config, name },
  status: { name, state, type: 'sink', tasks: [] },
});
const snap = (...c: ActualConnector[]) => ({ connectors: c, collectedAt: 'now' });
const opts = (o: Partial<PlanOptions> = {}): PlanOptions => ({
  env: 'dev',
  prune: false,
  ownedPrefixes: ['payments-'],
  salt: 'ab12',
  ...o,
});

interface Case {
  name: string;
  desired: DesiredConnector[];
  actual: ActualConnector[];
  traits?: ClusterTraits;
  options?: Partial<PlanOptions>;
  expect: { connector: string; action: string; fields?: [string, string | null, string | null][] }[];
  unmanaged?: string[];
  notInGit?: string[];
}

const cases: Case[] = [
  {
    name: 'identical: none',
    desired: [d('payments-a')],
    actual: [a('payments-a')],
    expect: [{ connector: 'payments-a', action: 'none', fields: [] }],
  },
  {
    name: 'server-added name key and explicit defaults are not changes',
    desired: [d('payments-a', { ...base, 'tasks.max': '1', 'errors.tolerance': 'none' })],
    actual: [a('payments-a')],
    expect: [{ connector: 'payments-a', action: 'none', fields: [] }],
  },
  {
    name: 'cloud: masked secrets and server-injected keys never show as drift',
    desired: [d('payments-a', { ...base, 'database.password': 'hunter2' })],
    actual: [
      a('payments-a', {
        ...base,
        'database.password': '****************',
        'kafka.endpoint': 'SASL_SSL://x',
        'connector.crn': 'crn://c',
        'cloud.environment': 'prod',
      }),
    ],
    traits: cloudLike,
    expect: [{ connector: 'payments-a', action: 'none', fields: [] }],
  },
  {
    name: 'new connector: create with every key',
    desired: [d('payments-a')],
    actual: [],
    expect: [
      {
        connector: 'payments-a',
        action: 'create',
        fields: [
          ['connector.class', null, base['connector.class']],
          ['file', null, '/tmp/x'],
          ['topics', null, 'payments.orders'],
        ],
      },
    ],
  },
  {
    name: 'create paused carries the initial state',
    desired: [d('payments-a', { topics: 't' }, 'PAUSED')],
    actual: [],
    expect: [
      {
        connector: 'payments-a',
        action: 'create',
        fields: [
          ['topics', null, 't'],
          ['(state)', null, 'PAUSED'],
        ],
      },
    ],
  },
  {
    name: 'changed, added and removed keys: update with per-field changes',
    desired: [d('payments-a', { ...base, topics: 'payments.v2', 'tasks.max': '3' })],
    actual: [a('payments-a', { ...base, 'errors.log.enable': 'true' })],
    expect: [
      {
        connector: 'payments-a',
        action: 'update',
        fields: [
          ['errors.log.enable', 'true', null],
          ['tasks.max', null, '3'],
          ['topics', 'payments.orders', 'payments.v2'],
        ],
      },
    ],
  },
  {
    name: 'changed secret is shown as a sensitive change, never its value',
    desired: [d('payments-a', { ...base, 'producer.override.sasl.jaas.config': '${file:/s/new.properties:jaas}' })],
    actual: [a('payments-a', { ...base, 'producer.override.sasl.jaas.config': '${file:/s/old.properties:jaas}' })],
    expect: [
      {
        connector: 'payments-a',
        action: 'update',
        fields: [['producer.override.sasl.jaas.config', '(sensitive)', '(sensitive value changed)']],
      },
    ],
  },
  {
    name: 'running → paused: pause',
    desired: [d('payments-a', base, 'PAUSED')],
    actual: [a('payments-a')],
    expect: [{ connector: 'payments-a', action: 'pause', fields: [['(state)', 'RUNNING', 'PAUSED']] }],
  },
  {
    name: 'paused → running: resume',
    desired: [d('payments-a')],
    actual: [a('payments-a', base, 'PAUSED')],
    expect: [{ connector: 'payments-a', action: 'resume' }],
  },
  {
    name: 'running → stopped: stop',
    desired: [d('payments-a', base, 'STOPPED')],
    actual: [a('payments-a')],
    expect: [{ connector: 'payments-a', action: 'stop' }],
  },
  {
    name: 'config and state change together: update carrying the state field',
    desired: [d('payments-a', { ...base, topics: 'x' }, 'STOPPED')],
    actual: [a('payments-a')],
    expect: [
      {
        connector: 'payments-a',
        action: 'update',
        fields: [
          ['topics', 'payments.orders', 'x'],
          ['(state)', 'RUNNING', 'STOPPED'],
        ],
      },
    ],
  },
  {
    name: 'a FAILED connector is a health problem, not a state change',
    desired: [d('payments-a')],
    actual: [a('payments-a', base, 'FAILED')],
    expect: [{ connector: 'payments-a', action: 'none' }],
  },
  {
    name: 'out-of-scope connectors are unmanaged and never touched, even with prune',
    desired: [],
    actual: [a('billing-x')],
    options: { prune: true },
    expect: [],
    unmanaged: ['billing-x'],
  },
  {
    name: 'in-scope connector missing from Git: listed, not deleted without prune',
    desired: [],
    actual: [a('payments-old')],
    expect: [],
    notInGit: ['payments-old'],
  },
  {
    name: 'in-scope connector missing from Git: delete with prune',
    desired: [],
    actual: [a('payments-old', { topics: 't' })],
    options: { prune: true },
    expect: [{ connector: 'payments-old', action: 'delete', fields: [['topics', 't', null]] }],
    notInGit: ['payments-old'],
  },
  {
    name: 'no ownership prefixes: only Git-declared connectors are in scope',
    desired: [],
    actual: [a('payments-old')],
    options: { prune: true, ownedPrefixes: undefined },
    expect: [],
    unmanaged: ['payments-old'],
  },
];

describe('computePlan', () => {
  it.each(cases)('$name', (c) => {
    const plan = computePlan(c.desired, snap(...c.actual), c.traits ?? selfManaged, opts(c.options));
    expect(plan.changes.map((x) => ({ connector: x.connector, action: x.action }))).toEqual(
      c.expect.map((x) => ({ connector: x.connector, action: x.action })),
    );
    for (const [i, e] of c.expect.entries()) {
      if (e.fields) expect(plan.changes[i]!.fields.map((f) => [f.key, f.before, f.after])).toEqual(e.fields);
    }
    expect(plan.unmanaged).toEqual(c.unmanaged ?? []);
    expect(plan.notInGit).toEqual(c.notInGit ?? []);
  });

  it('never writes a secret value into the plan', () => {
    const plan = computePlan(
      [d('payments-a', { ...base, 'database.password': 'hunter2' })],
      snap(a('payments-a', { ...base, 'database.password': 'old-secret' })),
      selfManaged,
      opts(),
    );
    const text = JSON.stringify(plan);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('old-secret');
    expect(plan.changes[0]!.fields).toEqual([
      { key: 'database.password', before: '(sensitive)', after: '(sensitive value changed)', sensitive: true },
    ]);
  });

  it('has the documented versioned shape and round-trips through the plan file parser', () => {
    const plan = computePlan([d('payments-a')], snap(), selfManaged, opts());
    expect(Object.keys(plan)).toEqual(['formatVersion', 'env', 'fingerprint', 'changes', 'unmanaged', 'notInGit']);
    expect(plan.fingerprint).toMatch(/^v1:ab12:[0-9a-f]{64}$/);
    expect(parsePlan(JSON.stringify(plan), 'plan.json')).toEqual(plan);
    expect(hasChanges(plan)).toBe(true);
    expect(() => parsePlan('{"formatVersion":2}', 'p.json')).toThrow(/not a kcops plan/);
  });

  it('refuses a stale plan: cluster moved, or the files changed', () => {
    const before = snap(a('payments-a'));
    const saved = computePlan([d('payments-a', base, 'PAUSED')], before, selfManaged, opts());
    expect(() =>
      assertPlanCurrent(saved, computePlan([d('payments-a', base, 'PAUSED')], before, selfManaged, opts())),
    ).not.toThrow();
    const moved = snap(a('payments-a', { ...base, topics: 'hand-edited' }));
    expect(() =>
      assertPlanCurrent(saved, computePlan([d('payments-a', base, 'PAUSED')], moved, selfManaged, opts())),
    ).toThrow(/stale/);
    expect(() =>
      assertPlanCurrent(saved, computePlan([d('payments-a', base, 'STOPPED')], before, selfManaged, opts())),
    ).toThrow(/files/);
  });

  it('fingerprint ignores task health but not target state', () => {
    const p1 = computePlan([], snap(a('payments-a')), selfManaged, opts());
    const p2 = computePlan([], snap(a('payments-a', base, 'FAILED')), selfManaged, opts());
    const p3 = computePlan([], snap(a('payments-a', base, 'PAUSED')), selfManaged, opts());
    expect(p1.fingerprint).toBe(p2.fingerprint);
    expect(p1.fingerprint).not.toBe(p3.fingerprint);
  });
});
