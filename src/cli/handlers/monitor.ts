import { join } from 'node:path';
import { ExitCode, usageError } from '../../errors.js';
import { fileLease } from '../../core/monitor/lease.js';
import { MonitorMetrics } from '../../core/monitor/metrics.js';
import { serveMonitor } from '../../core/monitor/http.js';
import { MonitorService, type Health, type RoundEvent } from '../../core/monitor/service.js';
import type { Backend } from '../../core/environment/backend.js';
import { lazyAudit, signalsOf, teamsOf } from './monitor-signals.js';
import { redactText } from '../../core/secrets/sensitive.js';
import type { CommandHandler } from '../command-spec.js';
import type { monitorCommand } from '../commands/monitor.js';
import type { CliContext } from '../context.js';
import { makeStyle } from '../render/style.js';
import { sanitizeTerminal } from '../render/terminal.js';
import { alertsOf, human } from './alerts.js';
import { parseDuration } from './duration.js';
import { withEnvironment } from './environment.js';

export const monitor: CommandHandler<typeof monitorCommand> = (ctx, _args, o) => {
  const envs = [...new Set(ctx.globals.envs?.length ? ctx.globals.envs : [ctx.globals.env])];
  return withEnvironments(ctx, envs, async (backends) => {
    const intervalMs = parseDuration(o.interval, '--interval');
    if (intervalMs < 1000) throw usageError('USAGE', '--interval must be at least 1s.');
    const ttlMs = o.leaseTtl === undefined ? 3 * intervalMs : parseDuration(o.leaseTtl, '--lease-ttl');
    if (ttlMs <= intervalMs) throw usageError('USAGE', '--lease-ttl must be longer than --interval.');
    const listen = o.listen === undefined ? undefined : parseListen(o.listen);
    const metrics = new MonitorMetrics();
    // One service per environment: its own cluster, state file and lease, so a standby of one environment does not
    // hold back the others; they share the process, the HTTP face and the metrics registry (every series has `env`).
    const services = backends.map((b) => {
      const a = alertsOf(ctx, b);
      const lease = fileLease({ boundary: a.stateBoundary, file: join(a.stateDir, `${a.env}.lease`), ttlMs });
      return new MonitorService(
        { ...a, cluster: b.connect, lease, signals: signalsOf(b), teams: teamsOf(b), audit: lazyAudit(ctx, b) },
        metrics,
        {
          intervalMs,
          onRound: (e) => print(ctx, e, a.config.destinations.length),
        },
      );
    });
    const names = backends.map((b) => b.target.env).join("', '");
    if (o.once) {
      const events = await Promise.all(services.map((s) => s.once()));
      const healthy = events.every((e) => e.kind === 'round' && e.result.open.length === 0);
      return { data: {}, human: () => '', exitCode: healthy ? ExitCode.Ok : ExitCode.Error, streamed: true };
    }
    const server = listen ? await serveMonitor(listen, () => combinedHealth(services), metrics) : undefined;
    // On stderr whatever -o and -q say: whoever started the service needs the address (port 0 picks one).
    if (server) ctx.stderr.write(`monitor of '${names}' serving ${server.url}/healthz, /readyz and /metrics\n`);
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await Promise.all(services.map((s) => s.run(ac.signal)));
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await server?.close();
    }
    ctx.reporter.info(`monitor of '${names}' stopped; state saved, lease released`);
    return { data: {}, human: () => '', exitCode: ExitCode.Ok, streamed: true };
  });
};

/** Opens every environment (each closed whatever happens), in the order given. */
async function withEnvironments<T>(
  ctx: CliContext,
  envs: (string | undefined)[],
  run: (backends: Backend[]) => Promise<T>,
  opened: Backend[] = [],
): Promise<T> {
  if (opened.length === envs.length) return run(opened);
  return withEnvironment(ctx, (b) => withEnvironments(ctx, envs, run, [...opened, b]), envs[opened.length]);
}

/** Live while every loop turns; ready while every environment is alerted on by this instance. */
function combinedHealth(services: MonitorService[]): Health {
  const each = services.map((s) => s.health());
  if (each.length === 1 && each[0]) return each[0];
  return {
    live: each.every((h) => h.live),
    ready: each.every((h) => h.ready),
    active: each.some((h) => h.active),
    lastRoundAt: each
      .map((h) => h.lastRoundAt)
      .sort()
      .at(0),
    lastError: each.map((h) => h.lastError).find((e) => e !== undefined),
    environments: Object.fromEntries(services.map((s, i) => [s.env, each[i] as Health])),
  };
}

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
