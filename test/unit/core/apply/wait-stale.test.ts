import { describe, expect, it } from 'vitest';
import type { ConnectCluster, ConnectorStatus } from '../../../../src/connect/cluster.js';
import { waitForAll } from '../../../../src/core/apply/wait.js';

/**
 * Real Connect keeps a task's FAILED status (with its old trace) until the task restarted by a config update reports:
 * the fix of a failed connector must not be judged by the failure it fixes (found by the network drill,
 * test/ops-it/runbook-drills.test.ts). A clock and a scripted cluster stand in for time and Connect.
 */
function scripted(rounds: ConnectorStatus['tasks'][]): {
  cluster: ConnectCluster;
  tick: () => void;
  now: () => number;
} {
  let t = 0;
  let i = 0;
  const cluster = {
    collect: async () => {
      const tasks = rounds[Math.min(i++, rounds.length - 1)]!;
      return {
        collectedAt: '',
        connectors: [{ name: 'c', config: {}, status: { name: 'c', state: 'RUNNING', type: 'sink', tasks } }],
      };
    },
  } as unknown as ConnectCluster;
  return { cluster, tick: () => (t += 1000), now: () => t };
}

const OLD = 'ConnectException: Connection to 127.0.0.1:1 refused';
const failed = (trace: string) => [{ id: 0, state: 'FAILED' as const, trace }];
const running = [{ id: 0, state: 'RUNNING' as const }];

async function wait(rounds: ConnectorStatus['tasks'][], staleFailureMs?: number) {
  const s = scripted(rounds);
  const r = await waitForAll(s.cluster, new Map([['c', 'RUNNING']]), {
    timeoutMs: 60_000,
    settleMs: 1000,
    pollMs: 1000,
    now: s.now,
    sleep: async () => s.tick(),
    stopOnFailure: true,
    failedBefore: new Map([['c', new Set([OLD])]]),
    ...(staleFailureMs === undefined ? {} : { staleFailureMs }),
  });
  return r.get('c');
}

describe('waiting after an update of a FAILED connector', () => {
  it('the old failure still listed is not a verdict: the restarted task RUNNING is', async () => {
    expect(await wait([failed(OLD), failed(OLD), running])).toMatchObject({ ok: true });
  });

  it('a new failure is a verdict at once', async () => {
    expect(await wait([failed(OLD), failed('DataException: bad record')])).toMatchObject({
      ok: false,
      reason: 'failed',
      trace: 'DataException: bad record',
    });
  });

  it('the same failure for longer than staleFailureMs is a verdict (the fix did not fix it)', async () => {
    const r = await wait([failed(OLD)], 5000);
    expect(r).toMatchObject({ ok: false, reason: 'failed', trace: OLD });
    expect(r!.waitedMs).toBeGreaterThanOrEqual(5000);
  });
});
