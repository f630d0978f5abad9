import type { ClusterSnapshot, ConnectCluster } from '../../connect/cluster.js';
import { isUserError, describeCause } from '../../errors.js';
import { destinationName, durationMs, type AlertsConfig } from './alert-config.js';
import type { Boundary } from '../fs/boundary.js';
import { nextState, planNotifications, readAlertState, writeAlertState, type Notification } from './alert-state.js';
import type { Channel, ResolveSecret } from './channels/channel.js';
import { channelFor } from './channels/index.js';
import { detectProblems, type Problem } from './detect.js';

export interface AlertCheckInput {
  env: string;
  cluster: ConnectCluster;
  config: AlertsConfig;
  stateFile: string;
  /** The directory tree the state file must stay in (the repository); default: the file's directory. */
  stateBoundary?: Boundary;
  resolveSecret: ResolveSecret;
  /** Say what would be sent (secrets masked); send nothing, keep the state file as it is. */
  dryRun: boolean;
  now?: Date;
  /** The cluster as already collected this round (the monitor also feeds it to /metrics); default: collect now. */
  snapshot?: ClusterSnapshot;
}

export interface Delivery {
  destination: string;
  type: string;
  action: Notification['action'];
  reason: Notification['reason'];
  alert: string;
  status: 'sent' | 'failed' | 'dry-run';
  error?: string;
  hint?: string;
  /** With --dry-run: the request that would be sent, secrets masked. */
  request?: unknown;
}

export interface OpenAlertView {
  key: string;
  kind: Problem['kind'];
  connector: string;
  task?: number;
  summary: string;
  since: string;
}

export interface AlertCheckResult {
  env: string;
  cluster: string;
  checkedAt: string;
  dryRun: boolean;
  /** Problems present now; non-empty means unhealthy. */
  open: OpenAlertView[];
  deliveries: Delivery[];
}

/**
 * One round: collect the cluster (one call), find what is wrong, tell each destination what it has not heard yet
 * (a new failure, a repeat after renotifyAfter, a recovery), then remember what was delivered. A destination that
 * fails does not stop the others; what it missed is tried again next round.
 */
export async function checkAlerts(i: AlertCheckInput): Promise<AlertCheckResult> {
  const now = i.now ?? new Date();
  const snapshot = i.snapshot ?? (await i.cluster.collect());
  const state = readAlertState(i.stateFile, i.env, i.stateBoundary);
  const detection = detectProblems(snapshot, {
    env: i.env,
    ...(i.config.connectors ? { filter: new RegExp(i.config.connectors) } : {}),
    ...(i.config.unassignedAfter ? { unassignedAfterMs: durationMs(i.config.unassignedAfter) } : {}),
    unassignedSince: state.unassignedSince,
    traceLines: i.config.traceLines ?? 8,
    now,
  });
  const channels = i.config.destinations.map((d) => channelFor(d, i.resolveSecret));
  const names = i.config.destinations.map(destinationName);
  const renotify = i.config.renotifyAfter ? durationMs(i.config.renotifyAfter) : undefined;
  const planned = planNotifications(state, detection.problems, names, now, renotify);
  const deliveries: Delivery[] = [];
  const delivered: Notification[] = [];
  try {
    for (const n of planned) {
      const ch = channels.find((c) => c.name === n.destination) as Channel;
      const msg = {
        action: n.action,
        reason: n.reason,
        env: i.env,
        cluster: i.cluster.id,
        alert: n.alert,
        at: now.toISOString(),
      };
      const base = { destination: ch.name, type: ch.type, action: n.action, reason: n.reason, alert: n.alert.key };
      if (i.dryRun) {
        deliveries.push({ ...base, status: 'dry-run', request: ch.preview(msg) });
        continue;
      }
      try {
        await ch.send(msg);
        deliveries.push({ ...base, status: 'sent' });
        delivered.push(n);
      } catch (e) {
        deliveries.push({
          ...base,
          status: 'failed',
          error: describeCause(e),
          ...(isUserError(e) && e.hint ? { hint: e.hint } : {}),
        });
      }
    }
  } finally {
    for (const c of channels) c.close?.();
  }
  if (!i.dryRun)
    writeAlertState(
      i.stateFile,
      nextState(state, detection.problems, delivered, names, detection.unassignedSince, now),
      i.stateBoundary,
    );
  return {
    env: i.env,
    cluster: i.cluster.id,
    checkedAt: now.toISOString(),
    dryRun: i.dryRun,
    open: detection.problems.map((p) => ({
      key: p.key,
      kind: p.kind,
      connector: p.connector,
      ...(p.task !== undefined ? { task: p.task } : {}),
      summary: p.summary,
      since: state.alerts[p.key]?.since ?? now.toISOString(),
    })),
    deliveries,
  };
}
