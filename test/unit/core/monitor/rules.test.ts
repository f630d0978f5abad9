import { describe, expect, it } from 'vitest';
import type { ActualConnector, ClusterSnapshot, ObservedState } from '../../../../src/connect/cluster.js';
import { alertsSchema, type AlertRule } from '../../../../src/core/monitor/alert-config.js';
import { applyHysteresis, emptyState, nextState, planNotifications } from '../../../../src/core/monitor/alert-state.js';
import { planRestarts, restartDelayMs } from '../../../../src/core/monitor/auto-restart.js';
import type { AlertMessage, Channel } from '../../../../src/core/monitor/channels/channel.js';
import { deliver } from '../../../../src/core/monitor/deliver.js';
import { detectProblems, type Memory, type Signals } from '../../../../src/core/monitor/detect.js';

const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min));

function conn(
  name: string,
  state: ObservedState = 'RUNNING',
  o: { tasks?: ObservedState[]; type?: 'source' | 'sink'; config?: Record<string, string>; worker?: string } = {},
): ActualConnector {
  return {
    name,
    config: o.config ?? {},
    status: {
      name,
      state,
      type: o.type ?? 'source',
      ...(o.worker ? { workerId: o.worker } : {}),
      tasks: (o.tasks ?? []).map((s, id) => ({ id, state: s, ...(o.worker ? { workerId: o.worker } : {}) })),
    },
  };
}
const snap = (...cs: ActualConnector[]): ClusterSnapshot => ({ collectedAt: '', connectors: cs });
const none = (): Memory => ({ since: {}, lag: {}, dlqEnd: {}, errors: {} });

function run(
  s: ClusterSnapshot,
  rules: AlertRule[],
  now: Date,
  memory: Memory = none(),
  signals: Signals = {},
  teams: Record<string, string[]> = {},
) {
  return detectProblems(s, { env: 'prod', rules, teams, signals, memory, traceLines: 8, now });
}

describe('alert rules (pure)', () => {
  it('a Cloud state such as DEGRADED alerts only once it has lasted `for`', () => {
    const rules: AlertRule[] = [{ kind: 'state', states: ['DEGRADED', 'PROVISIONING'], for: '10m' }];
    const r0 = run(snap(conn('a', 'DEGRADED')), rules, at(0));
    expect(r0.problems).toEqual([]);
    const r1 = run(snap(conn('a', 'DEGRADED')), rules, at(10), r0.memory);
    expect(r1.problems).toMatchObject([{ key: 'state/a/DEGRADED', severity: 'warning', rule: 'state' }]);
    // back to RUNNING: the clock is forgotten, a new DEGRADED starts from zero
    const r2 = run(snap(conn('a')), rules, at(11), r1.memory);
    expect(run(snap(conn('a', 'DEGRADED')), rules, at(12), r2.memory).problems).toEqual([]);
  });

  it('lag: above N at once; growing at every collection for T; a stalled sink while records wait', () => {
    const sink = conn('s', 'RUNNING', { type: 'sink', tasks: ['RUNNING'] });
    const rules: AlertRule[] = [
      { kind: 'lag', above: 1000, growingFor: '5m', severity: 'error' },
      { kind: 'stalled', for: '5m' },
    ];
    const lag = (total: number, committed: number): Signals => ({ lag: { s: { total, committed } } });
    let m = run(snap(sink), rules, at(0), none(), lag(10, 100)).memory;
    m = run(snap(sink), rules, at(3), m, lag(20, 100)).memory;
    const r = run(snap(sink), rules, at(6), m, lag(1500, 100));
    expect(r.problems.map((p) => [p.key, p.severity])).toEqual([
      ['lag-growing/s', 'error'],
      ['lag/s', 'error'],
      ['stalled/s', 'error'],
    ]);
    // commits move again and the lag shrinks: nothing left
    expect(run(snap(sink), rules, at(7), r.memory, lag(900, 700)).problems).toEqual([]);
  });

  it('dlq: records arriving on the dead-letter topic between two collections; the first sight only sets the mark', () => {
    const c = conn('s', 'RUNNING', { type: 'sink', config: { 'errors.deadletterqueue.topic.name': 'dlq-s' } });
    const rules: AlertRule[] = [{ kind: 'dlq' }];
    const r0 = run(snap(c), rules, at(0), none(), { dlqEnd: { 'dlq-s': 40 } });
    expect(r0.problems).toEqual([]);
    const r1 = run(snap(c), rules, at(1), r0.memory, { dlqEnd: { 'dlq-s': 43 } });
    expect(r1.problems).toMatchObject([{ key: 'dlq/s', summary: expect.stringContaining('3 record(s) arrived') }]);
    expect(run(snap(c), rules, at(2), r1.memory, { dlqEnd: { 'dlq-s': 43 } }).problems).toEqual([]);
  });

  it('errors: the share of records that failed between two collections, above x%; none across a task restart', () => {
    const c = conn('s', 'RUNNING', { type: 'sink' });
    const rules: AlertRule[] = [{ kind: 'errors', above: 5, minRecords: 10 }];
    const counts = (errors: number, records: number): Signals => ({ errorCounts: { s: { errors, records } } });
    const r0 = run(snap(c), rules, at(0), none(), counts(0, 100));
    expect(r0.problems).toEqual([]); // nothing to compare with yet
    const r1 = run(snap(c), rules, at(1), r0.memory, counts(3, 200));
    expect(r1.problems).toEqual([]); // 3 %
    const r2 = run(snap(c), rules, at(2), r1.memory, counts(13, 300));
    expect(r2.problems).toMatchObject([
      { key: 'errors/s', severity: 'error', summary: expect.stringContaining('10.0% of 100 record(s) failed') },
    ]);
    expect(run(snap(c), rules, at(3), r2.memory, counts(1, 5)).problems).toEqual([]); // restarted: counters fell
  });

  it('errors on Confluent Cloud: the Metrics API window is a rate as it is, no first collection needed, no memory', () => {
    const c = conn('cc', 'RUNNING', { type: 'sink' });
    const rules: AlertRule[] = [{ kind: 'errors', above: 2, minRecords: 100 }];
    const w = '2026-01-01T00:00:00.000Z → 2026-01-01T01:00:00.000Z';
    const cloud = (errors: number, records: number): Signals => ({
      errorCounts: { cc: { errors, records, window: w } },
    });
    const r0 = run(snap(c), rules, at(0), none(), cloud(30, 1000));
    expect(r0.problems).toMatchObject([
      { key: 'errors/cc', summary: `[prod] connector cc: 3.0% of 1000 record(s) failed in ${w} (above 2%)` },
    ]);
    expect(r0.memory.errors).toEqual({}); // windows are not counters: nothing to rate against next time
    expect(run(snap(c), rules, at(1), r0.memory, cloud(10, 1000)).problems).toEqual([]); // 1 %
    expect(run(snap(c), rules, at(2), r0.memory, cloud(50, 99)).problems).toEqual([]); // below minRecords
  });

  it('stalled sources: RUNNING, records in flight and nothing written to Kafka for T; moving, idle or paused is not', () => {
    const src = conn('src', 'RUNNING', { type: 'source', tasks: ['RUNNING'] });
    const rules: AlertRule[] = [{ kind: 'stalled', for: '5m' }];
    const p = (written: number, active: number): Signals => ({ sourceProgress: { src: { written, active } } });
    let m = run(snap(src), rules, at(0), none(), p(500, 40)).memory;
    expect(m.sources?.src).toEqual({ written: 500, at: at(0).toISOString() });
    m = run(snap(src), rules, at(3), m, p(500, 40)).memory;
    expect(m.sources?.src?.stillSince).toBe(at(0).toISOString());
    const r = run(snap(src), rules, at(6), m, p(500, 40));
    expect(r.problems).toMatchObject([
      {
        key: 'stalled/src',
        kind: 'stalled',
        severity: 'error',
        summary: '[prod] source src has written nothing to Kafka for 6 min while 40 polled record(s) wait',
      },
    ]);
    // writes again: resolved, and the clock starts afresh
    const moved = run(snap(src), rules, at(7), r.memory, p(900, 40));
    expect(moved.problems).toEqual([]);
    expect(moved.memory.sources?.src?.stillSince).toBeUndefined();
    // nothing in flight (an idle source with no new data) never stalls, however long
    let idle = run(snap(src), rules, at(0), none(), p(500, 0)).memory;
    idle = run(snap(src), rules, at(30), idle, p(500, 0)).memory;
    expect(run(snap(src), rules, at(60), idle, p(500, 0)).problems).toEqual([]);
    // PAUSED: standing still is what was asked for
    const paused = conn('src', 'PAUSED', { type: 'source', tasks: ['PAUSED'] });
    let pm = run(snap(paused), rules, at(0), none(), p(500, 3)).memory;
    pm = run(snap(paused), rules, at(10), pm, p(500, 3)).memory;
    expect(run(snap(paused), rules, at(20), pm, p(500, 3)).problems).toEqual([]);
    // memory of a source not read this round is kept
    expect(run(snap(src), rules, at(8), m, {}).memory.sources?.src).toEqual(m.sources?.src);
  });

  it('workers: fewer distinct workers run connectors and tasks than expected', () => {
    const rules: AlertRule[] = [{ kind: 'workers', min: 2 }];
    const one = snap(conn('a', 'RUNNING', { worker: 'w1:8083', tasks: ['RUNNING'] }));
    expect(run(one, rules, at(0)).problems).toMatchObject([{ key: 'workers', connector: '*', severity: 'critical' }]);
    const two = snap(
      conn('a', 'RUNNING', { worker: 'w1:8083', tasks: ['RUNNING'] }),
      conn('b', 'RUNNING', { worker: 'w2:8083' }),
    );
    expect(run(two, rules, at(0)).problems).toEqual([]);
  });

  it('drift: a connector declared in Git but missing from the cluster, within the rule scope', () => {
    const rules: AlertRule[] = [{ kind: 'drift', team: 'payments' }];
    const teams = { payments: ['payments-'] };
    const r = run(
      snap(conn('payments-a')),
      rules,
      at(0),
      none(),
      { desired: ['payments-a', 'payments-b', 'x'] },
      teams,
    );
    expect(r.problems).toMatchObject([{ key: 'drift/payments-b', kind: 'drift', connector: 'payments-b' }]);
  });

  it('team and connector scope, and routing: two rules on one key merge to the worse severity and both routes', () => {
    const rules: AlertRule[] = [
      { kind: 'failed', team: 'payments', severity: 'warning', destinations: ['payments-slack'] },
      { kind: 'failed', connectors: '^payments-a$', severity: 'critical', destinations: ['pagerduty'] },
    ];
    const teams = { payments: ['payments-'] };
    const r = run(
      snap(conn('payments-a', 'FAILED'), conn('payments-b', 'FAILED'), conn('other', 'FAILED')),
      rules,
      at(0),
      none(),
      {},
      teams,
    );
    expect(r.problems.map((p) => [p.key, p.severity, p.destinations])).toEqual([
      ['connector/payments-a', 'critical', ['payments-slack', 'pagerduty']],
      ['connector/payments-b', 'warning', ['payments-slack']],
    ]);
    const plan = planNotifications(
      emptyState('prod'),
      r.problems,
      ['payments-slack', 'pagerduty', 'mail'],
      at(0),
      undefined,
    );
    expect(plan.map((n) => [n.alert.key, n.destination])).toEqual([
      ['connector/payments-a', 'payments-slack'],
      ['connector/payments-a', 'pagerduty'],
      ['connector/payments-b', 'payments-slack'],
    ]);
  });

  it('the schema refuses a route to a destination that does not exist', () => {
    const r = alertsSchema.safeParse({
      destinations: [{ type: 'slack', name: 'team-a', webhookUrl: '${env:HOOK}' }],
      rules: [{ kind: 'failed', destinations: ['team-b'] }],
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("'team-b' is neither the name nor the type");
    expect(
      alertsSchema.safeParse({
        destinations: [{ type: 'slack', name: 'team-a', webhookUrl: '${env:HOOK}' }],
        rules: [{ kind: 'failed', destinations: ['slack'] }],
      }).success,
    ).toBe(true);
  });
});

describe('incident lifecycle (pure)', () => {
  const failing = run(snap(conn('a', 'FAILED')), [{ kind: 'failed' }], at(0)).problems;

  it('hysteresis: opens after openAfter collections in a row, closes after closeAfter without it', () => {
    let state = emptyState('prod');
    const step = (conds: typeof failing, now: Date) => {
      const h = applyHysteresis(state, conds, 3, 2);
      state = nextState(state, h.problems, [], [], { streaks: h.streaks, restarts: {} }, now);
      return h.problems.map((p) => p.key);
    };
    expect(step(failing, at(0))).toEqual([]);
    expect(step([], at(1))).toEqual([]); // a flap resets the count
    expect(step(failing, at(2))).toEqual([]);
    expect(step(failing, at(3))).toEqual([]);
    expect(step(failing, at(4))).toEqual(['connector/a']);
    expect(step([], at(5))).toEqual(['connector/a']); // one good collection is not a recovery
    expect(step(failing, at(6))).toEqual(['connector/a']);
    expect(step([], at(7))).toEqual(['connector/a']);
    expect(step([], at(8))).toEqual([]);
  });

  it('a digest per destination for people channels, one message per alert for the others, retries with back-off', async () => {
    const sent: { dest: string; n: number }[] = [];
    const sleeps: number[] = [];
    let slackFailures = 2;
    const person = (name: string): Channel => ({
      name,
      type: 'slack',
      preview: () => ({}),
      send: async () => {
        sent.push({ dest: name, n: 1 });
      },
      sendDigest: async (ms: AlertMessage[]) => {
        if (slackFailures-- > 0) throw new Error('HTTP 500');
        sent.push({ dest: name, n: ms.length });
      },
    });
    const pager: Channel = {
      name: 'pd',
      type: 'pagerduty',
      preview: () => ({}),
      send: async () => {
        sent.push({ dest: 'pd', n: 1 });
      },
    };
    const two = run(snap(conn('a', 'FAILED'), conn('b', 'FAILED')), [{ kind: 'failed' }], at(0)).problems;
    const planned = planNotifications(emptyState('prod'), two, ['slack', 'pd'], at(0), undefined);
    const r = await deliver(
      planned,
      [person('slack'), pager],
      (n) => ({ action: n.action, reason: n.reason, env: 'prod', cluster: 'c', alert: n.alert, at: '' }),
      { attempts: 3, backoffMs: 100, digest: true, dryRun: false, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(sent).toEqual([
      { dest: 'pd', n: 1 },
      { dest: 'pd', n: 1 },
      { dest: 'slack', n: 2 },
    ]);
    expect(sleeps).toEqual([100, 200]);
    expect(r.deliveries.filter((d) => d.destination === 'slack').map((d) => [d.status, d.attempts, d.digest])).toEqual([
      ['sent', 3, 2],
      ['sent', 3, 2],
    ]);
    expect(r.delivered).toHaveLength(4);

    // a destination that never answers: bounded tries, reported as failed, nothing thrown
    slackFailures = 99;
    const r2 = await deliver(
      planned,
      [person('slack'), pager],
      (n) => ({ action: n.action, reason: n.reason, env: 'prod', cluster: 'c', alert: n.alert, at: '' }),
      { attempts: 2, backoffMs: 10, digest: true, dryRun: false, sleep: async () => undefined },
    );
    expect(r2.deliveries.filter((d) => d.status === 'failed').map((d) => [d.destination, d.attempts])).toEqual([
      ['slack', 2],
      ['slack', 2],
    ]);
    expect(r2.delivered.map((n) => n.destination)).toEqual(['pd', 'pd']);
  });
});

describe('auto-restart (pure)', () => {
  it("follows Strimzi's schedule: at once, then 2, 6, 12, 20, 30, 42, 56 minutes, then hourly", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => restartDelayMs(n) / 60_000)).toEqual([
      0, 2, 6, 12, 20, 30, 42, 56, 60, 60,
    ]);
  });

  it('restarts a failed connector in scope, waits out the back-off, gives up after maxRestarts with an alert', () => {
    const failed = [conn('payments-a', 'RUNNING', { tasks: ['FAILED', 'RUNNING'] }), conn('other', 'FAILED')];
    const policies = [{ team: 'payments', maxRestarts: 2 }];
    const teams = { payments: ['payments-'] };
    const p0 = planRestarts('prod', failed, policies, teams, {}, at(0));
    expect(p0.restarts).toEqual([{ connector: 'payments-a', attempt: 1, failedTasks: [0], connectorFailed: false }]);
    // 1 minute later: within the 2-minute back-off, nothing
    const p1 = planRestarts('prod', failed, policies, teams, p0.records, at(1));
    expect(p1.restarts).toEqual([]);
    const p2 = planRestarts('prod', failed, policies, teams, p1.records, at(2));
    expect(p2.restarts.map((r) => r.attempt)).toEqual([2]);
    // after the last allowed restart it still fails: no restart, a critical alert
    const p3 = planRestarts('prod', failed, policies, teams, p2.records, at(9));
    expect(p3.restarts).toEqual([]);
    expect(p3.exhausted).toMatchObject([
      { key: 'restarts/payments-a', kind: 'restarts-exhausted', severity: 'critical' },
    ]);
    // healthy through its back-off: the count is reset
    const healthy = [conn('payments-a', 'RUNNING', { tasks: ['RUNNING'] })];
    expect(planRestarts('prod', healthy, policies, teams, p2.records, at(3)).records['payments-a']).toBeDefined();
    expect(planRestarts('prod', healthy, policies, teams, p2.records, at(9)).records['payments-a']).toBeUndefined();
  });
});
