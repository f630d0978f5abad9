import type { ClusterSnapshot } from '../../connect/cluster.js';
import { describeCause } from '../../errors.js';
import type { AlertRule } from './alert-config.js';
import { dlqTopicOf, inScope, type Signals } from './detect.js';

/**
 * Where the reads beyond the connector list come from; each is optional (an environment without Kafka access has no
 * lag or DLQ rates, one without a repository no drift). The CLI builds it from the environment.
 */
export interface SignalSource {
  /** Consumer-group lag of sink connectors and the end offsets of topics, in one go (see monitorOffsets). */
  offsets?(
    sinks: { connector: string; group: string }[],
    topics: string[],
  ): Promise<{ lag: Record<string, { total: number; committed: number }>; topicEnds: Record<string, number> }>;
  /** Connector names declared in Git for the environment. */
  desired?(): string[];
  /**
   * Record errors and records processed per connector: from the workers' metrics (one scrape per worker), or from
   * Confluent Cloud's Metrics API (totals of the last hour; two requests per connector).
   */
  errorCounts?(
    connectors: { name: string; type: string }[],
  ): Promise<Record<string, { errors: number; records: number; window?: string }>>;
  /** Source connectors' records written and in flight, from the workers' metrics (one scrape per worker). */
  sourceProgress?(connectors: string[]): Promise<Record<string, { written: number; active: number }>>;
}

/** Reads only what the rules need; a read that fails is a warning of the round, never its end. */
export async function gatherSignals(
  source: SignalSource | undefined,
  rules: AlertRule[],
  snapshot: ClusterSnapshot,
  teams: Record<string, string[]>,
  filter: RegExp | undefined,
): Promise<{ signals: Signals; warnings: string[] }> {
  const signals: Signals = {};
  const warnings: string[] = [];
  const watched = snapshot.connectors.filter((c) => !filter || filter.test(c.name));
  const covered = (kinds: AlertRule['kind'][]) =>
    watched.filter((c) => rules.some((r) => kinds.includes(r.kind) && inScope(r, c.name, teams)));
  const sinks = covered(['lag', 'stalled'])
    .filter((c) => c.status.type === 'sink')
    // Connect's default group id, unless the connector overrides it.
    .map((c) => ({ connector: c.name, group: c.config['consumer.override.group.id'] ?? `connect-${c.name}` }));
  const topics = [
    ...new Set(
      covered(['dlq'])
        .map(dlqTopicOf)
        .filter((t): t is string => t !== undefined),
    ),
  ];
  if (sinks.length + topics.length > 0) {
    if (!source?.offsets)
      warnings.push('lag and dlq rules need Kafka access (kafka: of the environment in kcops.yaml)');
    else {
      try {
        const r = await source.offsets(sinks, topics);
        signals.lag = r.lag;
        signals.dlqEnd = r.topicEnds;
      } catch (e) {
        warnings.push(`reading consumer-group and topic offsets failed: ${describeCause(e)}`);
      }
    }
  }
  const sources = covered(['stalled'])
    .filter((c) => c.status.type === 'source')
    .map((c) => c.name);
  if (sources.length > 0) {
    if (!source?.sourceProgress)
      warnings.push(
        "stalled rules on source connectors need the workers' metrics (observability.metrics.prometheusUrls)",
      );
    else {
      try {
        signals.sourceProgress = await source.sourceProgress(sources);
      } catch (e) {
        warnings.push(`reading the workers' metrics failed: ${describeCause(e)}`);
      }
    }
  }
  const rated = covered(['errors']).map((c) => ({ name: c.name, type: c.status.type }));
  if (rated.length > 0) {
    if (!source?.errorCounts)
      warnings.push(
        "errors rules need the workers' metrics (observability.metrics.prometheusUrls) or Confluent Cloud's Metrics API",
      );
    else {
      try {
        signals.errorCounts = await source.errorCounts(rated);
      } catch (e) {
        warnings.push(`reading the workers' metrics failed: ${describeCause(e)}`);
      }
    }
  }
  if (rules.some((r) => r.kind === 'drift')) {
    if (!source?.desired) warnings.push('drift rules need the repository (run the monitor in it)');
    else {
      try {
        signals.desired = source.desired();
      } catch (e) {
        warnings.push(`reading the connector files failed: ${describeCause(e)}`);
      }
    }
  }
  return { signals, warnings };
}
