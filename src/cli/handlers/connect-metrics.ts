// connect metrics: one collection, or --watch with sparklines of the rates.
import { sanitizeTerminal } from '../render/terminal.js';
import { overallState } from '../../core/operate/connectors.js';
import { rateBetween, sparkline } from '../../core/observe/connector-metrics.js';
import type { connectMetricsCommand } from '../commands/connect.js';
import type { Style } from '../context.js';
import { table } from '../render/output.js';
import { nameArg } from './ops-context.js';
import { onEnvironment } from './environment.js';
import { sleepUnlessAborted } from '../../core/sleep.js';
import { colourState, styleOf } from './connect-view.js';
import { collectMetrics, type MetricsView } from '../../core/operations/metrics.js';

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

function metricsHuman(st: Style, v: MetricsView, history?: Map<string, number[]>): string {
  const m = v.metrics;
  const out = [
    `${st.bold(v.connector)} (${m.type}) ${colourState(st, v.status ? overallState(v.status) : (v.state ?? '-'))}   ${st.dim(v.at)}`,
    '',
  ];
  const spark = (k: string) => (history?.get(k)?.length ? ' ' + st.cyan(sparkline(history.get(k)!)) : '');
  if (m.type === 'source' || m.totals.source) {
    out.push(
      table(
        ['TASK', 'STATUS', 'POLLED', 'WRITTEN', 'POLL/s', 'WRITE/s', 'ERRORS', 'WORKER'],
        m.tasks.map((x) => [
          String(x.task),
          colourState(st, (x.status ?? '-').toUpperCase()),
          fmt(x.source?.polled),
          fmt(x.source?.written),
          fmt(x.source?.pollRate, 1),
          fmt(x.source?.writeRate, 1),
          fmt(x.errors.recordErrors),
          x.instance,
        ]),
      ),
    );
    out.push(
      '',
      `total: ${fmt(m.totals.source?.polled)} polled, ${fmt(m.totals.source?.written)} written, ${fmt(m.totals.source?.writeRate, 1)}/s${spark('rate')}`,
    );
  }
  if (m.type === 'sink' || m.totals.sink) {
    out.push(
      table(
        ['TASK', 'STATUS', 'READ', 'PUT', 'READ/s', 'PUT/s', 'LAG MAX', 'ERRORS', 'WORKER'],
        m.tasks.map((x) => [
          String(x.task),
          colourState(st, (x.status ?? '-').toUpperCase()),
          fmt(x.sink?.read),
          fmt(x.sink?.put),
          fmt(x.sink?.readRate, 1),
          fmt(x.sink?.putRate, 1),
          fmt(x.sink?.lagMax),
          fmt(x.errors.recordErrors),
          x.instance,
        ]),
      ),
    );
    out.push(
      '',
      `total: ${fmt(m.totals.sink?.read)} read, ${fmt(m.totals.sink?.put)} put, ${fmt(m.totals.sink?.putRate, 1)}/s${spark('rate')}`,
    );
  }
  const e = m.totals.errors;
  out.push(
    `errors: ${fmt(e.recordErrors)} record errors, ${fmt(e.recordFailures)} failures, ${fmt(e.skipped)} skipped, DLQ ${fmt(e.dlqProduceRequests)} produced / ${fmt(e.dlqProduceFailures)} failed${e.lastErrorAt ? `, last at ${new Date(e.lastErrorAt).toISOString()}` : ''}`,
  );
  if (v.lag) {
    out.push('', `lag of ${v.lag.group}: ${st.bold(fmt(v.lag.total))}${spark('lag')}`);
    if (v.lag.partitions.length)
      out.push(
        table(
          ['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG'],
          v.lag.partitions.map((p) => [p.topic, String(p.partition), fmt(p.committed), fmt(p.end), fmt(p.lag)]),
        ),
      );
  }
  if (v.sourceOffsets)
    out.push(
      '',
      `source offsets: ${v.sourceOffsets.map((x) => `${JSON.stringify(x.partition)} → ${JSON.stringify(x.offset)}`).join('; ') || '(none yet)'}`,
    );
  for (const u of v.unreachable)
    out.push(st.yellow(`! ${u.url} did not answer (${u.error}): tasks on that worker are missing`));
  if (v.window)
    out.push(
      st.yellow(
        `! totals over ${v.window.from} → ${v.window.to}: Confluent Cloud's metrics are about ${Math.round(v.window.lagMs / 60_000)} min behind, the last minutes are not in them yet`,
      ),
    );
  for (const n of v.notes) out.push(st.dim(n));
  return out.join('\n');
}

export const metrics = onEnvironment<typeof connectMetricsCommand>(async (ctx, args, o, { backend: b, precheck }) => {
  const name = nameArg(args[0]);
  // Confluent Cloud's Metrics API is not the Connect API the guard wraps: its own pre-check (Read Throughput Metrics).
  await precheck(name, 'metrics');
  const withLag = o.lag;
  if (!o.watch) {
    const v = await collectMetrics(b, name, withLag);
    return { data: v, human: (st) => metricsHuman(st, v) };
  }
  const ac = new AbortController();
  const stopOn = () => ac.abort();
  process.once('SIGINT', stopOn);
  const st = styleOf(ctx);
  const history = new Map<string, number[]>();
  const push = (k: string, x: number | null) => {
    if (x === null) return;
    const h = history.get(k) ?? [];
    h.push(x);
    history.set(k, h.slice(-30));
  };
  let prev: { at: number; count: number } | undefined;
  const intervalMs = Math.max(1, o.interval) * 1000;
  while (!ac.signal.aborted) {
    const v = await collectMetrics(b, name, withLag);
    const count = v.metrics.totals.source?.written ?? v.metrics.totals.sink?.put ?? 0;
    const now = Date.now();
    push('rate', prev ? rateBetween(prev.count, count, now - prev.at) : null);
    prev = { at: now, count };
    if (v.lag) push('lag', v.lag.total);
    if (ctx.globals.output === 'json') ctx.stdout.write(JSON.stringify({ formatVersion: 1, ...v }) + '\n');
    else
      ctx.stdout.write(
        (ctx.isTTY ? '\u001b[2J\u001b[H' : '\n') + sanitizeTerminal(metricsHuman(st, v, history)) + '\n',
      );
    await sleepUnlessAborted(intervalMs, ac.signal);
  }
  process.off('SIGINT', stopOn);
  return { data: {}, human: () => '' };
});
