import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../../../src/core/observe/prometheus.js';
import {
  canonicalName,
  connectorMetrics,
  rateBetween,
  sparkline,
} from '../../../../src/core/observe/connector-metrics.js';

const WORKER_1 = `# HELP kafka_connect_source_task_source_record_poll Kafka Connect JMX metric
# TYPE kafka_connect_source_task_source_record_poll gauge
kafka_connect_source_task_source_record_poll{connector="payments-src",task="0",} 50.0
kafka_connect_source_task_source_record_poll_rate{connector="payments-src",task="0"} 1.3135426244581638
kafka_connect_source_task_source_record_write{connector="payments-src",task="0"} 48.0
kafka_connect_source_task_source_record_write_rate{connector="payments-src",task="0"} 1.2E0
kafka_connect_task_error_total_record_errors{connector="payments-src",task="0"} 2.0
kafka_connect_task_error_deadletterqueue_produce_requests{connector="payments-src",task="0"} 0.0
kafka_connect_task_error_last_error_timestamp{connector="payments-src",task="0"} 0.0
kafka_connect_task_status{connector="payments-src",status="running",task="0"} 1.0
kafka_connect_connector_status{connector="payments-src",status="running"} 1.0
kafka_connect_connector_task_batch_size_avg{connector="payments-src",task="0"} NaN
kafka_connect_task_status{connector="payments-src-v2",status="running",task="0"} 1.0
kafka_connect_connect_worker_rebalance_metrics_rebalance_avg_time_ms NaN
bad line here
`;
// The upstream example's naming: `_metrics` kept in the name and `_total` on counters.
const WORKER_2 = `kafka_connect_source_task_metrics_source_record_poll_total{connector="payments-src",task="1"} 10
kafka_connect_source_task_metrics_source_record_write_total{connector="payments-src",task="1"} 10
kafka_connect_connector_status{connector="payments-src",task="1",status="failed"} 1
kafka_connect_sink_task_sink_record_read{connector="payments-sink",task="0"} 7
kafka_connect_sink_task_sink_record_send{connector="payments-sink",task="0"} 5
kafka_connect_sink_task_sink_record_lag_max{connector="payments-sink",task="0"} 3
kafka_connect_task_error_deadletterqueue_produce_failures{connector="payments-sink",task="0"} 1
label_escapes{a="x\\"y\\\\z\\n",b=""} -Inf
`;

describe('Prometheus text', () => {
  it('parses samples, labels with escapes, NaN/Inf and Java exponents; skips malformed lines', () => {
    const p = parsePrometheusText(WORKER_1 + WORKER_2);
    expect(p.skipped).toBe(1);
    expect(p.types.kafka_connect_source_task_source_record_poll).toBe('gauge');
    const esc = p.samples.find((s) => s.name === 'label_escapes')!;
    expect(esc.labels).toEqual({ a: 'x"y\\z\n', b: '' });
    expect(esc.value).toBe(-Infinity);
    expect(p.samples.find((s) => s.name.endsWith('rebalance_avg_time_ms'))!.value).toBeNaN();
    expect(p.samples.find((s) => s.name.endsWith('write_rate'))!.value).toBe(1.2);
  });
});

describe('connector metrics', () => {
  const scrapes = [
    { instance: 'w1', samples: parsePrometheusText(WORKER_1).samples },
    { instance: 'w2', samples: parsePrometheusText(WORKER_2).samples },
  ];
  it('normalises both exporter namings', () => {
    expect(canonicalName('kafka_connect_source_task_metrics_source_record_poll_total')).toBe(
      'source_task_source_record_poll',
    );
    expect(canonicalName('kafka_connect_source_task_source_record_poll')).toBe('source_task_source_record_poll');
  });
  it('collects per-task source counters, errors and status over workers, and sums them', () => {
    const m = connectorMetrics('payments-src', scrapes);
    expect(m.type).toBe('source');
    expect(m.status).toBe('running');
    expect(m.tasks.map((t) => [t.task, t.instance, t.status])).toEqual([
      [0, 'w1', 'running'],
      [1, 'w2', 'failed'],
    ]);
    expect(m.tasks[0]!.source).toEqual({ polled: 50, written: 48, pollRate: 1.3135426244581638, writeRate: 1.2 });
    expect(m.tasks[0]!.batchSizeAvg).toBeNull();
    expect(m.tasks[0]!.errors.lastErrorAt).toBeNull();
    expect(m.totals.source!.polled).toBe(60);
    expect(m.totals.errors.recordErrors).toBe(2);
  });
  it('reads sink counters (read, put, lag) and DLQ failures', () => {
    const m = connectorMetrics('payments-sink', scrapes);
    expect(m.type).toBe('sink');
    expect(m.totals.sink).toMatchObject({ read: 7, put: 5, lagMax: 3 });
    expect(m.totals.errors.dlqProduceFailures).toBe(1);
  });
  it('returns no tasks for an unknown connector', () => {
    expect(connectorMetrics('nope', scrapes)).toMatchObject({ type: 'unknown', status: null, tasks: [] });
  });
  it('computes rates and sparklines', () => {
    expect(rateBetween(undefined, 10, 1000)).toBeNull();
    expect(rateBetween(10, 5, 1000)).toBeNull();
    expect(rateBetween(10, 30, 2000)).toBe(10);
    expect(sparkline([0, 1, 2, 4])).toBe('▁▂▄█');
    expect(sparkline([0, 0])).toBe('▁▁');
  });
});

describe('records in flight (the stalled rule on sources)', () => {
  it('reads source-record-active-count in both namings and sums it over the tasks; absent when not exported', () => {
    const w1 = `kafka_connect_source_task_source_record_write{connector="s",task="0"} 48.0
kafka_connect_source_task_source_record_active_count{connector="s",task="0"} 5.0
`;
    const w2 = `kafka_connect_source_task_metrics_source_record_write_total{connector="s",task="1"} 2
kafka_connect_source_task_metrics_source_record_active_count{connector="s",task="1"} 7
kafka_connect_source_task_source_record_write{connector="quiet",task="0"} 3.0
`;
    const scrapes = [
      { instance: 'w1', samples: parsePrometheusText(w1).samples },
      { instance: 'w2', samples: parsePrometheusText(w2).samples },
    ];
    expect(connectorMetrics('s', scrapes).totals.source).toMatchObject({ written: 50, active: 12 });
    expect(connectorMetrics('quiet', scrapes).totals.source?.active).toBeUndefined();
  });
});
