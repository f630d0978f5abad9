import type { Backend } from '../../core/environment/backend.js';
import type { SignalSource } from '../../core/monitor/signals.js';
import { monitorOffsets } from '../../core/observe/lag.js';
import { connectorMetrics } from '../../core/observe/connector-metrics.js';
import { scrapeAll } from '../../core/observe/scrape.js';
import { declaredConnectors } from '../../core/operations/declared.js';
import type { AuditSink } from '../../core/operate/audit.js';
import type { CliContext } from '../context.js';
import { auditSinkFor } from './ops-context.js';

/** What the monitor reads besides the cluster: Kafka offsets (when kcops.yaml gives Kafka access) and Git. */
export function signalsOf(b: Backend): SignalSource {
  const t = b.target;
  const kafka = t.kafka;
  const root = t.projectRoot;
  return {
    ...(kafka
      ? {
          async offsets(sinks, topics) {
            const r = await monitorOffsets(
              kafka,
              sinks.map((s) => s.group),
              topics,
            );
            const lag: Record<string, { total: number; committed: number }> = Object.create(null);
            sinks.forEach((s, i) => {
              const g = r.lags[i];
              if (g && g.partitions.length)
                lag[s.connector] = {
                  total: g.total,
                  committed: g.partitions.reduce((n, p) => n + (p.committed ?? 0), 0),
                };
            });
            return { lag, topicEnds: r.topicEnds };
          },
        }
      : {}),
    ...(t.observability.metrics
      ? {
          async errorCounts(connectors: { name: string }[]) {
            const { scrapes } = await scrapeAll(t.observability.metrics?.prometheusUrls ?? []);
            const out: Record<string, { errors: number; records: number }> = Object.create(null);
            for (const { name } of connectors) {
              const m = connectorMetrics(name, scrapes);
              if (m.tasks.length === 0) continue;
              const records = (m.totals.source?.polled ?? 0) + (m.totals.sink?.read ?? 0);
              out[name] = { errors: m.totals.errors.recordErrors, records };
            }
            return out;
          },
          async sourceProgress(connectors: string[]) {
            const { scrapes } = await scrapeAll(t.observability.metrics?.prometheusUrls ?? []);
            const out: Record<string, { written: number; active: number }> = Object.create(null);
            for (const name of connectors) {
              const s = connectorMetrics(name, scrapes).totals.source;
              // Without the in-flight count nothing says the source has data: no reading, no alert.
              if (s?.active !== undefined) out[name] = { written: s.written, active: s.active };
            }
            return out;
          },
        }
      : b.metrics
        ? {
            // Confluent Cloud: the Metrics API's totals of the hour ending ~5 min ago; DLQ records are the failed ones
            // (a record that fails without a DLQ fails the task, which the failed rule sees).
            async errorCounts(connectors: { name: string; type: string }[]) {
              const out: Record<string, { errors: number; records: number; window: string }> = Object.create(null);
              for (const { name, type } of connectors) {
                if (type !== 'source' && type !== 'sink') continue;
                const r = await b.metrics!.connectorMetrics(name, type);
                const records = (r.metrics.totals.source?.polled ?? 0) + (r.metrics.totals.sink?.read ?? 0);
                const window = r.window ? `${r.window.from} → ${r.window.to}` : 'the last hour';
                if (r.window) out[name] = { errors: r.metrics.totals.errors.dlqProduceRequests, records, window };
              }
              return out;
            },
          }
        : {}),
    // The dev stack has no connector files: nothing is declared, so nothing can be missing.
    ...(root && !t.isDev ? { desired: () => declaredConnectors(root, t.env) } : {}),
  };
}

/** kcops.yaml teams → their connector name prefixes. */
export function teamsOf(b: Backend): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const [name, team] of Object.entries(b.target.project?.teams ?? {})) out[name] = team.prefixes;
  return out;
}

/** The audit sink, opened only when a restart is made (opening it checks the log). */
export function lazyAudit(ctx: CliContext, b: Backend): () => AuditSink {
  let sink: AuditSink | undefined;
  return () => (sink ??= auditSinkFor(ctx, b.target, b.connect));
}
