import type { ConnectCluster, ConnectorStatus, TargetState } from '../../connect/cluster.js';
import { describeCause } from '../../errors.js';
import type { ProvisioningWatch } from './provisioning.js';

/**
 * Waits for many connectors at once: each must reach its target (with all its tasks) and stay there for `settleMs`
 * (a task that fails a few seconds after starting must not pass as healthy), or be gone when the target is 'ABSENT'.
 * Each poll round is ONE listing of the whole cluster (`collect`: `GET /connectors?expand=status...` on self-managed,
 * the list call on Confluent Cloud), whatever the number of connectors, so waiting for 50 costs what waiting for 1
 * does. Bounded by `timeoutMs` for all of them together; a FAILED connector or task is a verdict at once.
 */
export interface WaitOptions {
  timeoutMs: number;
  settleMs: number;
  /** Interval between rounds while some connector is still on its way to its target. */
  pollMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type WaitTarget = TargetState | 'ABSENT';

export type WaitResult =
  | { ok: true; waitedMs: number }
  | { ok: false; reason: 'failed' | 'timeout' | 'pending'; detail: string; trace?: string; waitedMs: number };

export interface WaitAllOptions extends WaitOptions {
  /** Return as soon as one connector FAILED (the apply rolls back anyway); the others then have no result. */
  stopOnFailure?: boolean;
  /** Called after each round with how many have a verdict (progress lines). */
  onRound?: (decided: number, total: number) => void;
  /** Told when a connector the runtime failed to start was restarted (see `isRuntimeStartRace`). */
  onRestart?: (name: string, why: string) => void;
  /** The backend's provisioning policy for this wait (Confluent Cloud): flaps, late rejections, longer limits. */
  watch?: ProvisioningWatch;
  /**
   * Traces of the failures each connector had before this apply changed it. Connect keeps reporting a task's old
   * FAILED status (same trace) until the restarted task reports, so the fix of a failed connector would read as its
   * failure and be rolled back. Such a status counts as "not started yet" for `staleFailureMs` (default 15 s); a
   * failure with another trace, or the same one after that, is a verdict.
   */
  failedBefore?: ReadonlyMap<string, ReadonlySet<string>>;
  staleFailureMs?: number;
}

export async function waitForAll(
  cluster: ConnectCluster,
  targets: ReadonlyMap<string, WaitTarget>,
  o: WaitAllOptions,
): Promise<Map<string, WaitResult>> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  const results = new Map<string, WaitResult>();
  const healthySince = new Map<string, number>();
  const last = new Map<string, string>();
  const restarted = new Set<string>();
  if (targets.size === 0) return results;
  // A connector just created or reconfigured is not RUNNING the instant its request was answered (Connect rebalances
  // first) and, right after an update, may still show its old status: a listing sent at once tells nothing and costs a
  // request (one of the ~10 a 50-connector apply has besides its changes). A deletion is visible at once.
  if ([...targets.values()].some((t) => t !== 'ABSENT')) await sleep(Math.min(o.pollMs, o.timeoutMs));
  for (let round = 0; ; round++) {
    let listed: Map<string, ConnectorStatus> | undefined;
    let unavailable: string | undefined;
    try {
      listed = new Map((await cluster.collect()).connectors.map((c) => [c.name, c.status]));
    } catch (e) {
      // A listing failing during a rebalance (or while a worker dies) is no verdict on any connector: keep polling
      // within the budget, but nobody counts as settled across a round nobody could see.
      unavailable = `status unavailable: ${describeCause(e)}`;
      healthySince.clear();
    }
    const t = now();
    if (listed) {
      for (const [name, target] of targets) {
        if (results.has(name)) continue;
        let verdict = judge(listed.get(name), target);
        if (
          verdict.kind === 'failed' &&
          verdict.trace !== undefined &&
          o.failedBefore?.get(name)?.has(verdict.trace) &&
          t - start < (o.staleFailureMs ?? 15_000)
        )
          verdict = { kind: 'pending', seen: `${verdict.detail} from before the change (waiting for the restart)` };
        const review = o.watch?.review(name, listed.get(name), verdict.kind === 'failed', t);
        if (review?.kind === 'pending') verdict = { kind: 'pending', seen: review.seen };
        else if (review?.kind === 'failed') verdict = review;
        if (verdict.kind === 'failed' && !restarted.has(name) && isRuntimeStartRace(verdict.trace)) {
          // Once per connector: the restart is what Connect itself would need; a second failure is a verdict.
          restarted.add(name);
          healthySince.delete(name);
          last.set(name, 'restarted after the worker failed to start it');
          try {
            await cluster.restart(name);
            o.onRestart?.(name, firstLine(verdict.trace));
            continue;
          } catch (e) {
            verdict.detail += ` (restarting it failed: ${describeCause(e)})`;
          }
        }
        if (verdict.kind === 'failed') {
          results.set(name, {
            ok: false,
            reason: 'failed',
            detail: verdict.detail,
            trace: verdict.trace,
            waitedMs: t - start,
          });
          if (o.stopOnFailure) {
            o.onRound?.(results.size, targets.size);
            return results;
          }
          continue;
        }
        last.set(name, verdict.seen);
        if (verdict.kind === 'gone') results.set(name, { ok: true, waitedMs: t - start });
        else if (verdict.kind === 'reached') {
          const since = healthySince.get(name) ?? t;
          healthySince.set(name, since);
          if (t - since >= (o.watch?.settleMs(name, o.settleMs) ?? o.settleMs))
            results.set(name, { ok: true, waitedMs: t - start });
        } else healthySince.delete(name);
      }
    }
    o.onRound?.(results.size, targets.size);
    if (results.size === targets.size) return results;
    const limit = (name: string) => o.watch?.limitMs(name, o.timeoutMs) ?? o.timeoutMs;
    for (const [name, target] of targets) {
      if (results.has(name) || t - start < limit(name)) continue;
      const seen = last.get(name) ?? unavailable ?? 'no status yet';
      results.set(
        name,
        o.watch?.isProvisioning(name)
          ? {
              ok: false,
              reason: 'pending',
              detail: `still PROVISIONING after ${seconds(t - start)}: Confluent Cloud goes on provisioning it; \`kcops apply\` or \`kcops drift\` later picks it up`,
              waitedMs: t - start,
            }
          : {
              ok: false,
              reason: 'timeout',
              detail: `not ${target} after ${seconds(t - start)} (gave up waiting; last seen: ${seen})`,
              waitedMs: t - start,
            },
      );
    }
    if (results.size === targets.size) return results;
    const until = Math.max(...[...targets.keys()].filter((n) => !results.has(n)).map(limit));
    await sleep(nextDelay(round, targets, results, healthySince, t, start, { ...o, timeoutMs: until }));
  }
}

type Verdict =
  { kind: 'failed'; detail: string; trace?: string } | { kind: 'reached' | 'gone' | 'pending'; seen: string };

function judge(s: ConnectorStatus | undefined, target: WaitTarget): Verdict {
  // Confluent Cloud lists a deleted connector as DELETED for a while: it is on its way out, nothing runs.
  if (target === 'ABSENT')
    return s && s.state !== 'DELETED'
      ? { kind: 'pending', seen: `still there (${describe(s)})` }
      : { kind: 'gone', seen: 'gone' };
  // Connect lists a connector a moment after the create answered (the config topic is read back first).
  if (!s) return { kind: 'pending', seen: 'not listed yet' };
  if (s.state === 'FAILED') return { kind: 'failed', detail: 'connector FAILED', trace: s.trace };
  const task = s.tasks.find((x) => x.state === 'FAILED');
  if (task) return { kind: 'failed', detail: `task ${task.id} FAILED`, trace: task.trace };
  return { kind: reached(s, target) ? 'reached' : 'pending', seen: describe(s) };
}

/**
 * While anything is still on its way, look again after `pollMs`, then a little later each round (x1.5, at most
 * 2 x `pollMs`, and 4 x `pollMs` once the wait has lasted 15 s): a cluster busy starting 50 connectors is asked about
 * once a second, and a connector's settle window starts at most that long after it came up. Once every
 * pending connector has reached its target only the settle window is left: look again when the first of them will
 * have settled, never past the overall bound. No look halfway through: a task that fails inside the window stays
 * FAILED (Connect does not restart it), so the look at the end sees it; an extra look would only cost a request of
 * every apply to report a failure a second earlier.
 */
function nextDelay(
  round: number,
  targets: ReadonlyMap<string, WaitTarget>,
  results: ReadonlyMap<string, WaitResult>,
  healthySince: ReadonlyMap<string, number>,
  t: number,
  start: number,
  o: WaitAllOptions,
): number {
  let delay = Number.POSITIVE_INFINITY;
  for (const name of targets.keys()) {
    if (results.has(name)) continue;
    const since = healthySince.get(name);
    if (since === undefined) {
      // About once a second while connectors start (seconds, on self-managed), every 2 s once the wait has lasted
      // 15 s (Confluent Cloud provisions for minutes, and its API is rate-limited).
      delay = Math.min(o.pollMs * 1.5 ** round, (t - start < 15_000 ? 2 : 4) * o.pollMs);
      break;
    }
    const settle = o.watch?.settleMs(name, o.settleMs) ?? o.settleMs;
    delay = Math.min(delay, Math.max(o.pollMs / 4, since + settle - t));
  }
  return Math.max(1, Math.min(delay, start + o.timeoutMs - t));
}

/**
 * A connector the Connect runtime failed to start before any of the connector's own code ran: the worker was assigned
 * it before it had read its config (`Worker.startConnector` throws a NullPointerException on the missing properties).
 * Connect 4.x does this now and then when dozens of connectors are created at once; a restart starts it normally.
 * A failure inside the connector (its `start`, a bad setting) has other frames first and is never retried.
 */
export function isRuntimeStartRace(trace: string | undefined): boolean {
  const frame = trace?.split('\n').find((l) => l.trim().startsWith('at '));
  return frame?.trim().startsWith('at org.apache.kafka.connect.runtime.Worker.startConnector(') === true;
}

function firstLine(trace: string | undefined): string {
  return trace?.split('\n')[0]?.trim() ?? '';
}

function reached(s: ConnectorStatus, target: TargetState): boolean {
  if (s.state !== target) return false;
  // STOPPED frees its tasks. A connector created PAUSED (initial_state) has no tasks until resumed, so only RUNNING
  // must have been given tasks before it counts as healthy.
  if (target === 'STOPPED') return s.tasks.length === 0;
  if (target === 'RUNNING' && s.tasks.length === 0) return false;
  return s.tasks.every((t) => t.state === target);
}

function describe(s: ConnectorStatus): string {
  return `connector ${s.state}, tasks [${s.tasks.map((t) => `${t.id}:${t.state}`).join(', ')}]`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
