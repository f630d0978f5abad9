import type { ConnectCluster, ConnectorStatus, TargetState } from '../../connect/cluster.js';
import { describeCause } from '../../errors.js';

/**
 * Waits until a connector and all its tasks are in `target` and stay there for `settleMs` (a task that fails a few
 * seconds after starting must not pass as healthy), or until `target` is 'ABSENT' and the connector is gone. Bounded
 * by `timeoutMs`; a FAILED connector or task ends the wait at once.
 */
export interface WaitOptions {
  timeoutMs: number;
  settleMs: number;
  pollMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type WaitResult =
  | { ok: true; waitedMs: number }
  | { ok: false; reason: 'failed' | 'timeout'; detail: string; trace?: string; waitedMs: number };

export async function waitForState(
  cluster: ConnectCluster,
  name: string,
  target: TargetState | 'ABSENT',
  o: WaitOptions,
): Promise<WaitResult> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  let healthySince: number | undefined;
  let last = 'no status yet';
  for (;;) {
    let s: ConnectorStatus | undefined;
    try {
      s = await cluster.status(name);
    } catch (e) {
      // A status call failing during a rebalance is not a verdict on the connector: keep polling within the budget.
      last = `status unavailable: ${describeCause(e)}`;
      s = undefined;
      healthySince = undefined;
    }
    const t = now();
    if (target === 'ABSENT') {
      if (s === undefined && !last.startsWith('status unavailable')) return { ok: true, waitedMs: t - start };
    } else if (s) {
      const failed = s.state === 'FAILED' ? { what: 'connector', trace: s.trace } : firstFailedTask(s);
      if (failed)
        return {
          ok: false,
          reason: 'failed',
          detail: `${failed.what} FAILED`,
          trace: failed.trace,
          waitedMs: t - start,
        };
      last = describe(s);
      if (reached(s, target)) {
        healthySince ??= t;
        if (t - healthySince >= o.settleMs) return { ok: true, waitedMs: t - start };
      } else healthySince = undefined;
    }
    if (t - start >= o.timeoutMs) {
      return {
        ok: false,
        reason: 'timeout',
        detail: `not ${target} after ${Math.round((t - start) / 1000)} s (last seen: ${last})`,
        waitedMs: t - start,
      };
    }
    await sleep(o.pollMs);
  }
}

function reached(s: ConnectorStatus, target: TargetState): boolean {
  if (s.state !== target) return false;
  // STOPPED frees its tasks. A connector created PAUSED (initial_state) has no tasks until resumed, so only RUNNING
  // must have been given tasks before it counts as healthy.
  if (target === 'STOPPED') return s.tasks.length === 0;
  if (target === 'RUNNING' && s.tasks.length === 0) return false;
  return s.tasks.every((t) => t.state === target);
}

function firstFailedTask(s: ConnectorStatus): { what: string; trace?: string } | undefined {
  const t = s.tasks.find((x) => x.state === 'FAILED');
  return t ? { what: `task ${t.id}`, trace: t.trace } : undefined;
}

function describe(s: ConnectorStatus): string {
  return `connector ${s.state}, tasks [${s.tasks.map((t) => `${t.id}:${t.state}`).join(', ')}]`;
}
