import type { MetricsWindow } from '../observe/cloud-metrics.js';
/**
 * Metrics collection of one connector, as data: the connector's status, its counters (the workers' Prometheus JMX
 * exporters, or the backend's metrics service for managed connectors), sink lag and source positions. `connect
 * metrics` renders it; nothing here knows a terminal.
 */
import { UserError } from '../../errors.js';
import type { ConnectCluster, ConnectorStatus } from '../../connect/cluster.js';
import { connectorMetrics, type ConnectorMetrics } from '../observe/connector-metrics.js';
import { scrapeAll } from '../observe/scrape.js';
// lag.js loads the Kafka client (~0.5-1 s): imported only when lag is asked for.
import type { GroupLag } from '../observe/lag.js';
import type { Backend, ConnectorMetricsService } from '../environment/backend.js';

export interface MetricsView {
  connector: string;
  at: string;
  state: string | null;
  status: ConnectorStatus | null;
  metrics: ConnectorMetrics;
  lag: GroupLag | null;
  sourceOffsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[] | null;
  unreachable: { url: string; error: string }[];
  notes: string[];
  /** The interval the totals cover when a metrics service sums them (Confluent Cloud: an hour ending ~5 min ago). */
  window: MetricsWindow | null;
}

export async function collectMetrics(b: Backend, name: string, withLag: boolean): Promise<MetricsView> {
  const c = b.connect;
  const t = b.target;
  if (b.metrics) return collectServiceMetrics(c, b.metrics, name, withLag);
  const urls = t.observability.metrics?.prometheusUrls ?? [];
  const [status, scraped] = await Promise.all([c.status(name), scrapeAll(urls)]);
  if (!status)
    throw new UserError('CONNECTOR_NOT_FOUND', `There is no connector '${name}' on this cluster.`, {
      hint: 'List what exists with `kcops connect list`.',
    });
  const metrics = connectorMetrics(name, scraped.scrapes);
  if (metrics.type === 'unknown' && status.type !== 'unknown') metrics.type = status.type;
  const notes: string[] = [];
  if (urls.length === 0)
    notes.push('no metrics endpoints configured (observability.metrics.prometheusUrls): counters unavailable');
  let lag: GroupLag | null = null;
  let sourceOffsets: MetricsView['sourceOffsets'] = null;
  if (withLag && status.type === 'sink') {
    if (t.kafka) {
      try {
        const { sinkLag } = await import('../observe/lag.js');
        lag = await sinkLag(t.kafka, name);
      } catch (e) {
        notes.push(`lag unavailable: ${(e as Error).message}`);
      }
    } else notes.push('lag unavailable: no kafka access configured for this environment');
  }
  if (withLag && status.type === 'source') sourceOffsets = await c.getOffsets(name).catch(() => null);
  return {
    connector: name,
    at: new Date().toISOString(),
    state: status.state,
    status,
    metrics,
    lag,
    sourceOffsets,
    unreachable: scraped.failed,
    notes,
    window: null,
  };
}

/** Managed connectors: the backend's metrics service (Cloud's Metrics API) instead of the workers' JMX exporters. */
async function collectServiceMetrics(
  c: ConnectCluster,
  service: ConnectorMetricsService,
  name: string,
  withLag: boolean,
): Promise<MetricsView> {
  const status = await c.status(name);
  if (!status)
    throw new UserError('CONNECTOR_NOT_FOUND', `There is no connector '${name}' on this cluster.`, {
      hint: 'List what exists with `kcops connect list`.',
    });
  const { metrics, notes, window } = await service.connectorMetrics(name, status.type);
  metrics.status = status.state;
  const sourceOffsets = withLag && status.type === 'source' ? await c.getOffsets(name).catch(() => null) : null;
  return {
    connector: name,
    at: new Date().toISOString(),
    state: status.state,
    status,
    metrics,
    lag: null,
    sourceOffsets,
    unreachable: [],
    notes,
    window: window ?? null,
  };
}
