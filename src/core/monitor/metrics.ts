import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ClusterSnapshot } from '../../connect/cluster.js';
import type { AlertCheckResult } from './check.js';

const STATES = ['RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'UNASSIGNED', 'RESTARTING', 'UNKNOWN'] as const;

/**
 * What `kcops monitor` exposes on /metrics (Prometheus text format): the cluster as last collected (one series per
 * connector and state, 1 for the current one, so `kcops_connector_state{state="FAILED"} == 1` is an alert rule), the
 * tasks, open alerts, and the monitor's own health: collections, their duration, deliveries and whether this
 * instance holds the lease.
 */
export class MonitorMetrics {
  readonly registry = new Registry();
  private readonly connectorState = new Gauge({
    name: 'kcops_connector_state',
    help: 'Connector state as last collected: 1 for the current state, 0 for the others',
    labelNames: ['env', 'connector', 'state'],
    registers: [this.registry],
  });
  private readonly taskState = new Gauge({
    name: 'kcops_task_state',
    help: 'Task state as last collected: 1 for the current state, 0 for the others',
    labelNames: ['env', 'connector', 'task', 'state'],
    registers: [this.registry],
  });
  private readonly tasks = new Gauge({
    name: 'kcops_connector_tasks',
    help: 'Tasks the connector has',
    labelNames: ['env', 'connector'],
    registers: [this.registry],
  });
  private readonly openAlerts = new Gauge({
    name: 'kcops_open_alerts',
    help: 'Alerts open now (failed or unassigned connectors and tasks)',
    labelNames: ['env'],
    registers: [this.registry],
  });
  private readonly collections = new Counter({
    name: 'kcops_collections_total',
    help: 'Collection rounds, by result',
    labelNames: ['env', 'result'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'kcops_collection_duration_seconds',
    help: 'Time of one round: collect the cluster, evaluate, deliver',
    labelNames: ['env'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'kcops_alert_deliveries_total',
    help: 'Alert messages sent to destinations, by result',
    labelNames: ['env', 'destination', 'type', 'action', 'result'],
    registers: [this.registry],
  });
  private readonly leader = new Gauge({
    name: 'kcops_monitor_active',
    help: '1 when this instance holds the lease and alerts; 0 on a standby',
    labelNames: ['env'],
    registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({
    name: 'kcops_last_collection_success_timestamp_seconds',
    help: 'When the last successful round ended (Unix seconds)',
    labelNames: ['env'],
    registers: [this.registry],
  });

  private readonly restarts = new Counter({
    name: 'kcops_auto_restarts_total',
    help: 'Automatic restarts made by the autoRestart policies, by result',
    labelNames: ['env', 'connector', 'result'],
    registers: [this.registry],
  });
  private readonly lag = new Gauge({
    name: 'kcops_sink_lag_records',
    help: "A sink connector's consumer-group lag as last read (records; only sinks a lag or stalled rule watches)",
    labelNames: ['env', 'connector'],
    registers: [this.registry],
  });
  private readonly dlq = new Gauge({
    name: 'kcops_dlq_end_offset',
    help: 'Sum of the end offsets of a dead-letter topic as last read (its rate is the DLQ arrival rate)',
    labelNames: ['env', 'topic'],
    registers: [this.registry],
  });
  private readonly alertsBySeverity = new Gauge({
    name: 'kcops_open_alerts_by_severity',
    help: 'Alerts open now, by severity and kind',
    labelNames: ['env', 'severity', 'kind'],
    registers: [this.registry],
  });

  /** Label sets written for each environment last round, so series of a removed connector or task disappear. */
  private readonly written = new Map<string, { connectors: Set<string>; tasks: Set<string> }>();

  /** Replaces the connector and task series of `env` by what the snapshot shows. */
  observeCluster(env: string, snapshot: ClusterSnapshot): void {
    const before = this.written.get(env) ?? { connectors: new Set<string>(), tasks: new Set<string>() };
    const now = { connectors: new Set<string>(), tasks: new Set<string>() };
    for (const c of snapshot.connectors) {
      const s = c.status;
      now.connectors.add(c.name);
      for (const state of STATES)
        this.connectorState.set({ env, connector: c.name, state }, s?.state === state ? 1 : 0);
      this.tasks.set({ env, connector: c.name }, s?.tasks.length ?? 0);
      for (const t of s?.tasks ?? []) {
        now.tasks.add(JSON.stringify([c.name, String(t.id)]));
        for (const state of STATES)
          this.taskState.set({ env, connector: c.name, task: String(t.id), state }, t.state === state ? 1 : 0);
      }
    }
    for (const connector of before.connectors) {
      if (now.connectors.has(connector)) continue;
      this.tasks.remove({ env, connector });
      for (const state of STATES) this.connectorState.remove({ env, connector, state });
    }
    for (const key of before.tasks) {
      if (now.tasks.has(key)) continue;
      const [connector, task] = JSON.parse(key) as [string, string];
      for (const state of STATES) this.taskState.remove({ env, connector, task, state });
    }
    this.written.set(env, now);
  }

  observeRound(env: string, r: AlertCheckResult, seconds: number): void {
    this.openAlerts.set({ env }, r.open.length);
    this.collections.inc({ env, result: 'ok' });
    this.duration.observe({ env }, seconds);
    this.lastSuccess.set({ env }, Date.now() / 1000);
    for (const d of r.deliveries)
      this.deliveries.inc({ env, destination: d.destination, type: d.type, action: d.action, result: d.status });
    for (const x of r.restarts) this.restarts.inc({ env, connector: x.connector, result: x.result });
    for (const [connector, v] of Object.entries(r.readings.lag)) this.lag.set({ env, connector }, v);
    for (const [topic, v] of Object.entries(r.readings.dlqEnd)) this.dlq.set({ env, topic }, v);
    for (const [k, labels] of this.severityLabels.get(env) ?? new Map<string, object>())
      if (!r.open.some((a) => `${a.severity ?? 'critical'}\u0000${a.kind}` === k)) this.alertsBySeverity.remove(labels);
    const counts = new Map<string, { severity: string; kind: string; n: number }>();
    for (const a of r.open) {
      const k = `${a.severity ?? 'critical'}\u0000${a.kind}`;
      const c = counts.get(k) ?? { severity: a.severity ?? 'critical', kind: a.kind, n: 0 };
      c.n++;
      counts.set(k, c);
    }
    const written = new Map<string, object>();
    for (const [k, c] of counts) {
      this.alertsBySeverity.set({ env, severity: c.severity, kind: c.kind }, c.n);
      written.set(k, { env, severity: c.severity, kind: c.kind });
    }
    this.severityLabels.set(env, written);
  }

  private readonly severityLabels = new Map<string, Map<string, object>>();

  observeFailure(env: string, seconds: number): void {
    this.collections.inc({ env, result: 'error' });
    this.duration.observe({ env }, seconds);
  }

  setActive(env: string, active: boolean): void {
    this.leader.set({ env }, active ? 1 : 0);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
