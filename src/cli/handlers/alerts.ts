import { join } from 'node:path';
import { boundaryOf } from '../../core/fs/boundary.js';
import { redactText } from '../../core/secrets/sensitive.js';
import { sanitizeTerminal } from '../render/terminal.js';
import { UserError, usageError, ExitCode } from '../../errors.js';
import { checkAlerts, type AlertCheckResult } from '../../core/monitor/check.js';
import { resolveLocally } from '../../core/secrets/resolve.js';
import { resolveSettings } from '../../dev/settings.js';
import type { CommandHandler } from '../command-spec.js';
import type { alertsCheckCommand } from '../commands/alerts.js';
import type { CliContext, Style } from '../context.js';
import { table } from '../render/output.js';
import { makeStyle } from '../render/style.js';
import { parseDuration } from './duration.js';
import { withEnvironment } from './environment.js';
import { lazyAudit, signalsOf, teamsOf } from './monitor-signals.js';
import type { Backend } from '../../core/environment/backend.js';
import { sleepUnlessAborted } from '../../core/sleep.js';

export const alertsCheck: CommandHandler<typeof alertsCheckCommand> = (ctx, _args, o) =>
  withEnvironment(ctx, async (b) => {
    const a = alertsOf(ctx, b);
    const intervalMs = parseDuration(o.interval, '--interval');
    if (intervalMs < 1000) throw usageError('USAGE', '--interval must be at least 1s.');
    const round = () =>
      checkAlerts({
        ...a,
        cluster: b.connect,
        dryRun: o.dryRun === true,
        signals: signalsOf(b),
        teams: teamsOf(b),
        audit: lazyAudit(ctx, b),
      });
    if (!o.watch) {
      const r = await round();
      failOnUndelivered(r);
      return {
        data: r,
        human: (st) => human(st, r, a.config.destinations.length),
        exitCode: r.open.length ? ExitCode.Error : ExitCode.Ok,
      };
    }
    return await watch(ctx, round, intervalMs, a.config.destinations.length);
  });

/** What alerting needs of an environment: its alerts: section, where its state lives, how to read its secrets. */
export function alertsOf(ctx: CliContext, b: Backend) {
  const t = b.target;
  const config = t.observability.alerts;
  if (!config) {
    throw new UserError('ALERTS_NOT_CONFIGURED', `Environment '${t.env}' has no alerts: section.`, {
      hint: `Add alerts.destinations for '${t.env}' to kcops.observability.yaml beside kcops.yaml; see docs/episodes/03-operate-connectors.md ("Alerts").`,
      exitCode: ExitCode.Usage,
    });
  }
  const stateDir =
    ctx.env.KCOPS_ALERT_STATE_DIR ?? join(t.projectRoot ?? resolveSettings({ env: ctx.env }).home, '.kcops', 'alerts');
  return {
    env: t.env,
    config,
    stateDir,
    stateFile: join(stateDir, `${t.env}.json`),
    stateBoundary: boundaryOf(ctx.env.KCOPS_ALERT_STATE_DIR ?? t.projectRoot ?? resolveSettings({ env: ctx.env }).home),
    resolveSecret: t.resolveSecret ?? ((ref: string) => resolveLocally(ref, {}, ctx.env)),
  };
}

/** Every destination was tried; the ones that failed are an error with what to check (the next run retries them). */
export function failOnUndelivered(r: AlertCheckResult): void {
  const failed = r.deliveries.filter((d) => d.status === 'failed');
  if (failed.length === 0) return;
  const sent = r.deliveries.filter((d) => d.status === 'sent').length;
  throw new UserError(
    'ALERT_DELIVERY_FAILED',
    `${failed.length} alert message(s) could not be delivered (${sent} delivered) in '${r.env}'.`,
    {
      details: failed.map((d) => `${d.action} ${d.alert}: ${d.error ?? ''}${d.hint ? ` (${d.hint})` : ''}`),
      hint:
        (failed[0]?.hint ? `${failed[0].hint} ` : '') +
        'The state file remembers what was not delivered: the next `kcops alerts check` sends it again.',
    },
  );
}

/** Round after round until Ctrl-C; a failing round is reported and the loop goes on. JSON: one document per line. */
async function watch(
  ctx: CliContext,
  round: () => Promise<AlertCheckResult>,
  intervalMs: number,
  destinations: number,
): Promise<{ data: object; human: () => string; exitCode: number; streamed: boolean }> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  const st = makeStyle(ctx.globals.color && ctx.globals.output === 'human');
  let exitCode: number = ExitCode.Ok;
  try {
    while (!ac.signal.aborted) {
      try {
        const r = await round();
        exitCode = r.open.length ? ExitCode.Error : ExitCode.Ok;
        if (ctx.globals.output === 'json') ctx.stdout.write(JSON.stringify({ formatVersion: 1, ...r }) + '\n');
        else ctx.stdout.write(sanitizeTerminal(redactText(human(st, r, destinations))) + '\n');
        failOnUndelivered(r);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        exitCode = ExitCode.Error;
        ctx.reporter.warn(`${e.message}${e.details.length ? `\n  ${e.details.join('\n  ')}` : ''}`);
      }
      await sleepUnlessAborted(intervalMs, ac.signal);
    }
  } finally {
    process.off('SIGINT', stop);
  }
  return { data: {}, human: () => '', exitCode, streamed: true };
}

export function human(st: Style, r: AlertCheckResult, destinations: number): string {
  const out: string[] = [];
  if (r.open.length === 0) out.push(st.green(`All watched connectors in '${r.env}' are healthy (${r.checkedAt}).`));
  else {
    out.push(st.red(st.bold(`${r.open.length} open alert(s) in '${r.env}':`)));
    out.push(
      table(
        ['ALERT', 'SEVERITY', 'SINCE', 'SUMMARY'],
        r.open.map((a) => [a.key, a.severity ?? '', a.since, a.summary]),
      ),
    );
  }
  for (const x of r.restarts ?? [])
    out.push(
      x.result === 'restarted'
        ? st.yellow(`auto-restart: ${x.connector} restarted (attempt ${x.attempt})`)
        : st.red(`auto-restart: ${x.connector} restart failed: ${x.error ?? ''}`),
    );
  for (const w of r.warnings ?? []) out.push(st.yellow(`warning: ${w}`));
  if (r.deliveries.length) {
    out.push('', r.dryRun ? st.yellow('Would send (dry run, secrets masked):') : 'Sent:');
    out.push(
      table(
        ['DESTINATION', 'ACTION', 'ALERT', 'RESULT'],
        r.deliveries.map((d) => [
          `${d.type} ${d.destination}`,
          `${d.action} (${d.reason})`,
          d.alert,
          d.status === 'failed' ? st.red('failed') : d.status,
        ]),
      ),
    );
    if (r.dryRun)
      for (const d of r.deliveries)
        out.push('', st.dim(`${d.destination} ${d.alert}:`), JSON.stringify(d.request, null, 2));
  } else if (r.open.length && destinations === 0)
    out.push('', st.dim('No destinations configured (alerts.destinations): nothing sent.'));
  else if (r.open.length) out.push('', st.dim('Every destination already knows; nothing sent.'));
  return out.join('\n');
}
