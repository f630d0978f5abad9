import type { ActualConnector, ConnectCluster } from '../../connect/cluster.js';
import { describeCause } from '../../errors.js';
import type { AuditSink } from '../operate/audit.js';
import { auditTo } from '../operations/audit.js';
import { autoRestart } from '../operations/lifecycle.js';
import type { AutoRestartPolicy } from './alert-config.js';
import type { AlertState } from './alert-state.js';
import { inScope, type Problem } from './detect.js';

/** Strimzi's default when maxRestarts is not set is "forever"; kcops gives up after the 56-minute one and alerts. */
export const DEFAULT_MAX_RESTARTS = 7;

/**
 * Strimzi's auto-restart schedule: after the n-th restart (n = restarts already made) the next one waits n*n+n
 * minutes, at most 60: at once, then 2, 6, 12, 20, 30, 42, 56 minutes, then hourly.
 */
export function restartDelayMs(restartsMade: number): number {
  return Math.min(restartsMade * restartsMade + restartsMade, 60) * 60_000;
}

export interface RestartAction {
  connector: string;
  /** Which restart of this failure this is (1 = the first). */
  attempt: number;
  /** Tasks FAILED when it was decided (the connector itself when undefined). */
  failedTasks: number[];
  connectorFailed: boolean;
}

export interface RestartPlan {
  restarts: RestartAction[];
  /** Connectors that still fail after maxRestarts: alerted as restarts-exhausted. */
  exhausted: Problem[];
  /** The restart records for the next state (a healthy connector that outlived its back-off is forgotten). */
  records: AlertState['restarts'];
}

function failing(c: ActualConnector): { connectorFailed: boolean; failedTasks: number[] } {
  return {
    connectorFailed: c.status.state === 'FAILED',
    failedTasks: c.status.tasks.filter((t) => t.state === 'FAILED').map((t) => t.id),
  };
}

/** Pure: which failed connectors to restart now under the policies, and which have run out of restarts. */
export function planRestarts(
  env: string,
  connectors: ActualConnector[],
  policies: AutoRestartPolicy[],
  teams: Record<string, string[]>,
  records: AlertState['restarts'],
  now: Date,
): RestartPlan {
  const out: RestartPlan = { restarts: [], exhausted: [], records: Object.create(null) as AlertState['restarts'] };
  for (const c of connectors) {
    const policy = policies.find((p) => inScope(p, c.name, teams));
    if (!policy) continue;
    const rec = records[c.name];
    const f = failing(c);
    const failed = f.connectorFailed || f.failedTasks.length > 0;
    const max = policy.maxRestarts ?? DEFAULT_MAX_RESTARTS;
    if (!failed) {
      // Healthy: the count is reset only once it stayed healthy through the back-off it would have had (Strimzi),
      // so a task that fails a minute after each restart still climbs the schedule.
      if (rec && now.getTime() - Date.parse(rec.lastAt) < restartDelayMs(rec.count)) out.records[c.name] = rec;
      continue;
    }
    if (rec && rec.count >= max) {
      out.records[c.name] = rec;
      out.exhausted.push({
        key: `restarts/${c.name}`,
        kind: 'restarts-exhausted',
        connector: c.name,
        summary: `[${env}] connector ${c.name} still FAILED after ${rec.count} automatic restart(s): restart it by hand`,
        severity: 'critical',
        rule: 'autoRestart',
      });
      continue;
    }
    if (rec && now.getTime() - Date.parse(rec.lastAt) < restartDelayMs(rec.count)) {
      out.records[c.name] = rec;
      continue;
    }
    const attempt = (rec?.count ?? 0) + 1;
    out.restarts.push({ connector: c.name, attempt, ...f });
    out.records[c.name] = { count: attempt, lastAt: now.toISOString() };
  }
  return out;
}

export interface RestartOutcome extends RestartAction {
  result: 'restarted' | 'failed';
  error?: string;
}

/**
 * Makes the planned restarts, each through the audit log (ops:auto-restart, succeeded or failed). Only failed
 * instances restart (`onlyFailed`); a restart that fails is reported and counted (the schedule moves on).
 */
export async function runRestarts(
  env: string,
  cluster: ConnectCluster,
  plan: RestartAction[],
  audit: () => AuditSink,
): Promise<RestartOutcome[]> {
  const out: RestartOutcome[] = [];
  const op = { connect: cluster, audit: auditTo(audit, env, cluster) };
  for (const r of plan) {
    try {
      await autoRestart(op, r.connector, {
        attempt: r.attempt,
        failedTasks: r.failedTasks,
        connectorFailed: r.connectorFailed,
      });
      out.push({ ...r, result: 'restarted' });
    } catch (e) {
      out.push({ ...r, result: 'failed', error: describeCause(e) });
    }
  }
  return out;
}
