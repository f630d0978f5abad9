import type { CloudConnect } from '../../connect/confluent-cloud/backend.js';
import { CONNECTOR_METRICS, METRICS_LAG_MS } from '../../connect/confluent-cloud/metrics.js';
import type { ConnectorType } from '../../connect/cluster.js';
import type { ConnectorMetrics } from './connector-metrics.js';

const WINDOW_MS = 3_600_000;

/** The interval the totals cover, in the JSON output: an hour that ends when the Metrics API's data does. */
export interface MetricsWindow {
  from: string;
  to: string;
  /** How far behind now `to` is: the API's data lag; what happened since is not counted. */
  lagMs: number;
}

/** The Metrics API query the totals are made of: the sum of one metric for one connector over an hour. */
export interface CloudMetricsQuery {
  sum(metric: string, connectorId: string, start: Date): Promise<number>;
}

/**
 * A managed connector's numbers from the Metrics API, in the shape `connect metrics` shows for self-managed workers:
 * record totals over the last hour and their mean rate. Cloud publishes no per-task counters, lag or error details.
 */
export async function cloudConnectorMetrics(
  cluster: CloudConnect,
  client: CloudMetricsQuery,
  name: string,
  type: ConnectorType,
  now = Date.now(),
): Promise<{ metrics: ConnectorMetrics; notes: string[]; window?: MetricsWindow }> {
  const id = await cluster.connectorId(name);
  const metrics: ConnectorMetrics = {
    connector: name,
    status: null,
    type,
    tasks: [],
    totals: {
      errors: {
        recordErrors: 0,
        recordFailures: 0,
        skipped: 0,
        retries: 0,
        logged: 0,
        dlqProduceRequests: 0,
        dlqProduceFailures: 0,
        lastErrorAt: null,
      },
    },
  };
  if (!id) return { metrics, notes: [`Confluent Cloud gave no id for ${name}: metrics unavailable`] };
  // The data lags about 5 minutes: an hour ending now would miss its last minutes and sum low. The hour that ends
  // where the data does is complete (whole minutes, as the API aggregates them).
  const end = Math.floor((now - METRICS_LAG_MS) / 60_000) * 60_000;
  const start = new Date(end - WINDOW_MS);
  const window: MetricsWindow = { from: start.toISOString(), to: new Date(end).toISOString(), lagMs: now - end };
  const [sent, received, dlq] = await Promise.all([
    type === 'sink' ? Promise.resolve(0) : client.sum(CONNECTOR_METRICS.sentRecords, id, start),
    type === 'source' ? Promise.resolve(0) : client.sum(CONNECTOR_METRICS.receivedRecords, id, start),
    client.sum(CONNECTOR_METRICS.dlqRecords, id, start),
  ]);
  const perSecond = (n: number) => n / (WINDOW_MS / 1000);
  if (type !== 'sink')
    metrics.totals.source = { polled: sent, written: sent, pollRate: perSecond(sent), writeRate: perSecond(sent) };
  if (type !== 'source')
    metrics.totals.sink = {
      read: received,
      put: received,
      readRate: perSecond(received),
      putRate: perSecond(received),
      lagMax: null,
      partitions: null,
    };
  metrics.totals.errors.dlqProduceRequests = dlq;
  return {
    metrics,
    window,
    notes: [
      `Confluent Cloud Metrics API (${id}): totals over ${window.from} → ${window.to}, the hour ending ${Math.round(window.lagMs / 60_000)} min ago: the API's data is about 5 minutes behind, so the last minutes are not counted yet (an hour ending now would sum low); no per-task counters; the API allows 60 requests a minute per IP address`,
    ],
  };
}
