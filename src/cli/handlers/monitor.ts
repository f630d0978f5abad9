import { join } from 'node:path';
import { ExitCode, usageError } from '../../errors.js';
import { fileLease } from '../../core/monitor/lease.js';
import { MonitorMetrics } from '../../core/monitor/metrics.js';
import { serveMonitor } from '../../core/monitor/http.js';
import { MonitorService, type RoundEvent } from '../../core/monitor/service.js';
import { redactText } from '../../core/secrets/sensitive.js';
import type { CommandHandler } from '../command-spec.js';
import type { monitorCommand } from '../commands/monitor.js';
import type { CliContext } from '../context.js';
import { makeStyle } from '../render/style.js';
import { sanitizeTerminal } from '../render/terminal.js';
import { alertsOf, human } from './alerts.js';
import { parseDuration } from './duration.js';
import { withEnvironment } from './environment.js';

export const monitor: CommandHandler<typeof monitorCommand> = (ctx, _args, o) =>
  withEnvironment(ctx, async (b) => {
    const a = alertsOf(ctx, b);
    const intervalMs = parseDuration(o.interval, '--interval');
    if (intervalMs < 1000) throw usageError('USAGE', '--interval must be at least 1s.');
    const ttlMs = o.leaseTtl === undefined ? 3 * intervalMs : parseDuration(o.leaseTtl, '--lease-ttl');
    if (ttlMs <= intervalMs) throw usageError('USAGE', '--lease-ttl must be longer than --interval.');
    const listen = o.listen === undefined ? undefined : parseListen(o.listen);
    const metrics = new MonitorMetrics();
    const lease = fileLease({ boundary: a.stateBoundary, file: join(a.stateDir, `${a.env}.lease`), ttlMs });
    const service = new MonitorService({ ...a, cluster: b.connect, lease }, metrics, {
      intervalMs,
      onRound: (e) => print(ctx, e, a.config.destinations.length),
    });
    if (o.once) {
      const e = await service.round();
      lease.release();
      const healthy = e.kind === 'round' && e.result.open.length === 0;
      return { data: {}, human: () => '', exitCode: healthy ? ExitCode.Ok : ExitCode.Error, streamed: true };
    }
    const server = listen ? await serveMonitor(listen, () => service.health(), metrics) : undefined;
    // On stderr whatever -o and -q say: whoever started the service needs the address (port 0 picks one).
    if (server) ctx.stderr.write(`monitor of '${a.env}' serving ${server.url}/healthz, /readyz and /metrics\n`);
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await service.run(ac.signal);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await server?.close();
    }
    ctx.reporter.info(`monitor of '${a.env}' stopped; state saved, lease released`);
    return { data: {}, human: () => '', exitCode: ExitCode.Ok, streamed: true };
  });

/** One line (or JSON document) per round on stdout, as it happens: the service's log. */
function print(ctx: CliContext, e: RoundEvent, destinations: number): void {
  if (ctx.globals.output === 'json') {
    const doc =
      e.kind === 'round'
        ? { formatVersion: 1, kind: e.kind, active: true, seconds: e.seconds, ...e.result }
        : { formatVersion: 1, ...e, at: new Date().toISOString() };
    ctx.stdout.write(redactText(JSON.stringify(doc)) + '\n');
    return;
  }
  const st = makeStyle(ctx.globals.color);
  const text =
    e.kind === 'round'
      ? human(st, e.result, destinations)
      : e.kind === 'standby'
        ? st.dim(`standby: another monitor holds the lease of '${e.env}'${e.holder ? ` (${e.holder})` : ''}`)
        : st.red(`round failed in '${e.env}': ${e.error}`);
  ctx.stdout.write(sanitizeTerminal(redactText(text)) + '\n');
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535)
    throw usageError('USAGE', `--listen '${text}' is not host:port.`, 'e.g. --listen 127.0.0.1:9465 or 0.0.0.0:9465.');
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}
