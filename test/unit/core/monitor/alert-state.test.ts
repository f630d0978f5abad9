import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../../../src/connect/cluster.js';
import { emptyState, nextState, planNotifications } from '../../../../src/core/monitor/alert-state.js';
import { detectProblems, type DetectOptions, type Memory } from '../../../../src/core/monitor/detect.js';

const noMemory = (): Memory => ({ since: {}, lag: {}, dlqEnd: {}, errors: {} });
const base = (o: Partial<DetectOptions> & { now: Date }): DetectOptions => ({
  env: 'prod',
  rules: [{ kind: 'failed' }],
  teams: {},
  signals: {},
  memory: noMemory(),
  traceLines: 8,
  ...o,
});
const kept = { streaks: {}, restarts: {} };

const snapshot = (state: 'RUNNING' | 'UNASSIGNED' | 'FAILED'): ClusterSnapshot => ({
  collectedAt: '',
  connectors: [
    {
      name: 'a',
      config: {},
      status: { name: 'a', state, type: 'source', tasks: [], ...(state === 'FAILED' ? { trace: 'E1\nE2\nE3' } : {}) },
    },
  ],
});
const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min));

describe('alert rules and state (pure)', () => {
  it('a connector UNASSIGNED alerts only once it has been so for unassignedAfter', () => {
    const o = { rules: [{ kind: 'unassigned' as const, for: '10m' }], traceLines: 2 };
    const first = detectProblems(snapshot('UNASSIGNED'), base({ ...o, now: at(0) }));
    expect(first.problems).toEqual([]);
    const later = detectProblems(snapshot('UNASSIGNED'), base({ ...o, memory: first.memory, now: at(10) }));
    expect(later.problems).toMatchObject([
      { key: 'unassigned/a', summary: expect.stringContaining('UNASSIGNED for 10 min') },
    ]);
    const back = detectProblems(snapshot('RUNNING'), base({ ...o, memory: later.memory, now: at(11) }));
    expect(back.problems).toEqual([]);
    expect({ ...back.memory.since }).toEqual({});
  });

  it('a FAILED connector keeps the first traceLines lines of its trace', () => {
    const d = detectProblems(snapshot('FAILED'), base({ traceLines: 2, now: at(0) }));
    expect(d.problems).toMatchObject([{ key: 'connector/a', kind: 'connector-failed', trace: 'E1\nE2' }]);
  });

  it('renotifyAfter repeats a trigger per destination; a recovery resolves only where the trigger arrived', () => {
    const { problems } = detectProblems(snapshot('FAILED'), base({ now: at(0) }));
    const plan0 = planNotifications(emptyState('prod'), problems, ['pd', 'mail'], at(0), 60 * 60_000);
    expect(plan0.map((n) => [n.action, n.reason, n.destination])).toEqual([
      ['trigger', 'new', 'pd'],
      ['trigger', 'new', 'mail'],
    ]);
    const s1 = nextState(emptyState('prod'), problems, [plan0[0]!], ['pd', 'mail'], kept, at(0));
    expect(
      planNotifications(s1, problems, ['pd', 'mail'], at(30), 60 * 60_000).map((n) => [n.reason, n.destination]),
    ).toEqual([['retry', 'mail']]);
    expect(planNotifications(s1, problems, ['pd'], at(60), 60 * 60_000).map((n) => [n.reason, n.destination])).toEqual([
      ['renotify', 'pd'],
    ]);
    const resolves = planNotifications(s1, [], ['pd', 'mail'], at(61), undefined);
    expect(resolves.map((n) => [n.action, n.destination])).toEqual([['resolve', 'pd']]);
    // a resolve that did not arrive is kept and tried again; one that did clears the alert
    expect(nextState(s1, [], [], ['pd', 'mail'], kept, at(61)).alerts['connector/a']).toMatchObject({
      recoveredAt: at(61).toISOString(),
    });
    expect(nextState(s1, [], resolves, ['pd', 'mail'], kept, at(61)).alerts).toEqual({});
  });
});
