import type { Sample } from './prometheus.js';

/**
 * A connector's numbers out of the workers' JMX-exporter samples. Names depend on the exporter rules: the dev stack
 * writes `kafka_connect_source_task_source_record_poll`, the upstream example `..._source_task_metrics_..._total`.
 * Both are accepted: names are compared after removing `kafka_connect_`, a `_metrics` after the group and `_total`.
 */
export function canonicalName(name: string): string {
  return name
    .replace(/^kafka_connect_/, '')
    .replace(/^(source_task|sink_task|task_error|connector_task)_metrics_/, '$1_')
    .replace(/_total$/, '');
}

export interface SourceCounters {
  polled: number;
  written: number;
  pollRate: number;
  writeRate: number;
  /** Records polled and not yet acknowledged by Kafka (source-record-active-count), when the exporter has it. */
  active?: number;
}
export interface SinkCounters {
  read: number;
  put: number;
  readRate: number;
  putRate: number;
  lagMax: number | null;
  partitions: number | null;
}
export interface ErrorCounters {
  recordErrors: number;
  recordFailures: number;
  skipped: number;
  retries: number;
  logged: number;
  dlqProduceRequests: number;
  dlqProduceFailures: number;
  /** Epoch ms of the last error, null when there was none. */
  lastErrorAt: number | null;
}

export interface TaskMetrics {
  task: number;
  /** The metrics endpoint the task's numbers came from (its worker). */
  instance: string;
  status: string | null;
  source?: SourceCounters;
  sink?: SinkCounters;
  errors: ErrorCounters;
  batchSizeAvg: number | null;
  offsetCommitFailurePercentage: number | null;
}

export interface ConnectorMetrics {
  connector: string;
  status: string | null;
  type: 'source' | 'sink' | 'unknown';
  tasks: TaskMetrics[];
  totals: { source?: SourceCounters; sink?: SinkCounters; errors: ErrorCounters };
}

/** Samples of one scrape, with the endpoint they came from. */
export interface Scrape {
  instance: string;
  samples: Sample[];
}

export function connectorMetrics(connector: string, scrapes: Scrape[]): ConnectorMetrics {
  const tasks = new Map<number, { instance: string; m: Map<string, number>; status: string | null }>();
  let status: string | null = null;
  for (const s of scrapes) {
    for (const x of s.samples) {
      if (x.labels.connector !== connector) continue;
      const name = canonicalName(x.name);
      if (x.labels.task === undefined) {
        if ((name === 'connector_status' || name === 'connector_state') && x.value === 1)
          status = x.labels.status ?? null;
        continue;
      }
      const id = Number(x.labels.task);
      let t = tasks.get(id);
      if (!t) tasks.set(id, (t = { instance: s.instance, m: new Map(), status: null }));
      // The dev stack calls the task status `task_status`; the upstream example `connector_status` with a task label.
      if ((name === 'task_status' || name === 'connector_status') && x.labels.status !== undefined) {
        if (x.value === 1) t.status = x.labels.status;
        continue;
      }
      // A task that moved keeps a stale zero on its old worker until the exporter forgets it: prefer the running one.
      if (t.instance !== s.instance && !(t.m.size === 0)) {
        const cur = t.m.get(name);
        if (cur !== undefined && cur >= x.value) continue;
      }
      t.m.set(name, x.value);
    }
  }
  const out: TaskMetrics[] = [];
  let type: ConnectorMetrics['type'] = 'unknown';
  for (const [task, t] of [...tasks].sort((a, b) => a[0] - b[0])) {
    const g = (n: string) => num(t.m.get(n));
    const tm: TaskMetrics = {
      task,
      instance: t.instance,
      status: t.status,
      errors: {
        recordErrors: g('task_error_total_record_errors'),
        recordFailures: g('task_error_total_record_failures'),
        skipped: g('task_error_total_records_skipped'),
        retries: g('task_error_total_retries'),
        logged: g('task_error_total_errors_logged'),
        dlqProduceRequests: g('task_error_deadletterqueue_produce_requests'),
        dlqProduceFailures: g('task_error_deadletterqueue_produce_failures'),
        lastErrorAt: t.m.get('task_error_last_error_timestamp') ? g('task_error_last_error_timestamp') : null,
      },
      batchSizeAvg: opt(t.m.get('connector_task_batch_size_avg')),
      offsetCommitFailurePercentage: opt(t.m.get('connector_task_offset_commit_failure_percentage')),
    };
    if ([...t.m.keys()].some((k) => k.startsWith('source_task_'))) {
      type = 'source';
      tm.source = {
        polled: g('source_task_source_record_poll'),
        written: g('source_task_source_record_write'),
        pollRate: g('source_task_source_record_poll_rate'),
        writeRate: g('source_task_source_record_write_rate'),
      };
      const active = opt(t.m.get('source_task_source_record_active_count'));
      if (active !== null && active !== undefined) tm.source.active = active;
    }
    if ([...t.m.keys()].some((k) => k.startsWith('sink_task_'))) {
      type = 'sink';
      tm.sink = {
        read: g('sink_task_sink_record_read'),
        put: g('sink_task_sink_record_send'),
        readRate: g('sink_task_sink_record_read_rate'),
        putRate: g('sink_task_sink_record_send_rate'),
        lagMax: opt(t.m.get('sink_task_sink_record_lag_max')),
        partitions: opt(t.m.get('sink_task_partition_count')),
      };
    }
    out.push(tm);
  }
  return { connector, status, type, tasks: out, totals: totals(out) };
}

function totals(tasks: TaskMetrics[]): ConnectorMetrics['totals'] {
  const sum = <T extends object>(pick: (t: TaskMetrics) => T | undefined): T | undefined => {
    const xs = tasks.map(pick).filter((x): x is T => x !== undefined);
    if (xs.length === 0) return undefined;
    const acc: Record<string, number | null> = {};
    for (const x of xs)
      for (const [k, v] of Object.entries(x) as [string, number | null][]) {
        if (k === 'lagMax' || k === 'lastErrorAt') acc[k] = v === null ? (acc[k] ?? null) : Math.max(acc[k] ?? 0, v);
        else acc[k] = (acc[k] ?? 0) + (v ?? 0);
      }
    return acc as T;
  };
  const t: ConnectorMetrics['totals'] = {
    errors: sum((t) => t.errors) ?? {
      recordErrors: 0,
      recordFailures: 0,
      skipped: 0,
      retries: 0,
      logged: 0,
      dlqProduceRequests: 0,
      dlqProduceFailures: 0,
      lastErrorAt: null,
    },
  };
  const src = sum((x) => x.source);
  if (src) t.source = src;
  const sink = sum((x) => x.sink);
  if (sink) t.sink = sink;
  return t;
}

/** NaN (an exporter's "no value yet") counts as zero in a counter. */
function num(v: number | undefined): number {
  return v === undefined || Number.isNaN(v) ? 0 : v;
}
function opt(v: number | undefined): number | null {
  return v === undefined || Number.isNaN(v) ? null : v;
}

/** Records per second between two readings of a counter (null on the first reading or after a counter reset). */
export function rateBetween(prev: number | undefined, cur: number, dtMs: number): number | null {
  if (prev === undefined || dtMs <= 0 || cur < prev) return null;
  return ((cur - prev) * 1000) / dtMs;
}

const BARS = '▁▂▃▄▅▆▇█';
/** A one-line chart of the last values (for `metrics --watch`). */
export function sparkline(values: number[]): string {
  if (values.length === 0) return '';
  const max = Math.max(...values);
  return values.map((v) => (max <= 0 ? BARS[0] : BARS[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}
