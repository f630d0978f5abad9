import type { ClusterSnapshot, ConnectCluster } from '../../connect/cluster.js';
import { destinationName, durationMs, type AlertsConfig, type Severity } from './alert-config.js';
import type { AuditSink } from '../operate/audit.js';
import { planRestarts, runRestarts, type RestartOutcome } from './auto-restart.js';
import { deliver, type Delivery } from './deliver.js';
import { gatherSignals, type SignalSource } from './signals.js';
import type { Boundary } from '../fs/boundary.js';
import {
  applyHysteresis,
  memoryOf,
  nextState,
  planNotifications,
  readAlertState,
  writeAlertState,
} from './alert-state.js';
import type { ResolveSecret } from './channels/channel.js';
import { channelFor } from './channels/index.js';
import { detectProblems, effectiveRules, type Problem } from './detect.js';

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
  /** Lag, DLQ offsets and the Git declaration, for the rules that need them. */
  signals?: SignalSource;
  /** kcops.yaml teams: team → connector name prefixes (rules and auto-restart policies scoped by team). */
  teams?: Record<string, string[]>;
  /** Where automatic restarts are recorded; called only when one is made. Without it, no restart is made. */
  audit?: () => AuditSink;
  /** Pause between delivery tries (tests). */
  sleep?: (ms: number) => Promise<void>;
}

export type { Delivery } from './deliver.js';

export interface OpenAlertView {
  key: string;
  kind: Problem['kind'];
  connector: string;
  task?: number;
  summary: string;
  severity?: Severity;
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
  /** Automatic restarts made this round (autoRestart policies). */
  restarts: RestartOutcome[];
  /** Reads that failed (lag, DLQ, Git): those rules were not evaluated this round. */
  warnings: string[];
  /** What was read for the rules: sink lag (records) by connector, dead-letter topic end offsets by topic. */
  readings: { lag: Record<string, number>; dlqEnd: Record<string, number> };
}

/**
 * One round: collect the cluster (one call), restart what the auto-restart policies cover, read what the rules need
 * (lag, DLQ offsets, Git), find what is wrong, hold back flaps (openAfter/closeAfter), tell each destination what it
 * has not heard yet (a new failure, a repeat after renotifyAfter, a recovery; one digest per destination), then
 * remember what was delivered. A destination that fails does not stop the others; what it missed is tried again
 * next round.
 */
export async function checkAlerts(i: AlertCheckInput): Promise<AlertCheckResult> {
  const now = i.now ?? new Date();
  const snapshot = i.snapshot ?? (await i.cluster.collect());
  const state = readAlertState(i.stateFile, i.env, i.stateBoundary);
  const c = i.config;
  const teams = i.teams ?? {};
  const filter = c.connectors ? new RegExp(c.connectors) : undefined;
  const rules = effectiveRules(c.rules, c.unassignedAfter);
  const watched = snapshot.connectors.filter((x) => !filter || filter.test(x.name));
  const restartPlan = planRestarts(i.env, watched, c.autoRestart ?? [], teams, state.restarts, now);
  const restarts = i.dryRun || !i.audit ? [] : await runRestarts(i.env, i.cluster, restartPlan.restarts, i.audit);
  const { signals, warnings } = await gatherSignals(i.signals, rules, snapshot, teams, filter);
  const detection = detectProblems(snapshot, {
    env: i.env,
    rules,
    ...(filter ? { filter } : {}),
    teams,
    signals,
    memory: memoryOf(state),
    traceLines: c.traceLines ?? 8,
    now,
  });
  const { problems, streaks } = applyHysteresis(
    state,
    [...detection.problems, ...restartPlan.exhausted],
    c.openAfter ?? 1,
    c.closeAfter ?? 1,
  );
  const channels = c.destinations.map((d) => channelFor(d, i.resolveSecret));
  const names = c.destinations.map(destinationName);
  const renotify = c.renotifyAfter ? durationMs(c.renotifyAfter) : undefined;
  // Routes name destinations by name or by type: turn them into names.
  for (const p of problems)
    if (p.destinations)
      p.destinations = c.destinations
        .filter((d) => p.destinations?.includes(destinationName(d)) || p.destinations?.includes(d.type))
        .map(destinationName);
  const planned = planNotifications(state, problems, names, now, renotify);
  let sent: Awaited<ReturnType<typeof deliver>>;
  try {
    sent = await deliver(
      planned,
      channels,
      (n) => ({
        action: n.action,
        reason: n.reason,
        env: i.env,
        cluster: i.cluster.id,
        alert: n.alert,
        at: now.toISOString(),
      }),
      {
        attempts: c.delivery?.attempts ?? 3,
        backoffMs: c.delivery?.backoff ? durationMs(c.delivery.backoff) : 1000,
        digest: c.delivery?.digest ?? true,
        dryRun: i.dryRun,
        ...(i.sleep ? { sleep: i.sleep } : {}),
      },
    );
  } finally {
    for (const ch of channels) ch.close?.();
  }
  const { deliveries, delivered } = sent;
  if (!i.dryRun)
    writeAlertState(
      i.stateFile,
      nextState(
        state,
        problems,
        delivered,
        names,
        {
          memory: detection.memory,
          streaks,
          // A restart that was planned but not made (no audit sink) is not counted.
          restarts: i.audit ? restartPlan.records : state.restarts,
        },
        now,
      ),
      i.stateBoundary,
    );
  return {
    env: i.env,
    cluster: i.cluster.id,
    checkedAt: now.toISOString(),
    dryRun: i.dryRun,
    open: problems.map((p) => ({
      key: p.key,
      kind: p.kind,
      connector: p.connector,
      ...(p.task !== undefined ? { task: p.task } : {}),
      summary: p.summary,
      ...(p.severity ? { severity: p.severity } : {}),
      since: state.alerts[p.key]?.since ?? now.toISOString(),
    })),
    deliveries,
    restarts,
    warnings,
    readings: {
      lag: Object.fromEntries(Object.entries(signals.lag ?? {}).map(([k, v]) => [k, v.total])),
      dlqEnd: { ...signals.dlqEnd },
    },
  };
}
