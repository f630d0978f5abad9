import type { CloudConnect } from '../../connect/confluent-cloud/backend.js';
import { CONNECTOR_METRICS, type CloudMetricsClient } from '../../connect/confluent-cloud/metrics.js';
import type { ConnectorType } from '../../connect/cluster.js';
import type { ConnectorMetrics } from './connector-metrics.js';

const WINDOW_MS = 3_600_000;

/**
 * A managed connector's numbers from the Metrics API, in the shape `connect metrics` shows for self-managed workers:
 * record totals over the last hour and their mean rate. Cloud publishes no per-task counters, lag or error details.
 */
export async function cloudConnectorMetrics(
  cluster: CloudConnect,
  client: CloudMetricsClient,
  name: string,
  type: ConnectorType,
  now = Date.now(),
): Promise<{ metrics: ConnectorMetrics; notes: string[] }> {
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
  const start = new Date(Math.floor((now - WINDOW_MS) / 60_000) * 60_000);
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
    notes: [
      `Confluent Cloud Metrics API (${id}): sums over the last hour without \`agg\`; the data is about 5 minutes behind, so the most recent minutes are missing and the sums come out low; no per-task counters; the API allows 60 requests a minute per IP`,
    ],
  };
}
