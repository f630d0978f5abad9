import { readFileSync } from 'node:fs';
import { redactDeep, redactText } from '../../core/secrets/sensitive.js';
import { sanitizeTerminal } from '../render/terminal.js';
import { resolve } from 'node:path';
import { UserError, usageError, ExitCode } from '../../errors.js';
import {
  toObservedState,
  type ConnectCluster,
  type ConnectorStatus,
  type ObservedState,
  type TargetState,
} from '../../connect/cluster.js';
import { audited } from '../../core/operate/audit.js';
import {
  describeConnector,
  listConnectors,
  overallState,
  parseOffsets,
  requireStatus,
  requireStopped,
  restartAllFailed,
  restartConnector,
  waitForState,
  DEFAULT_STATE_WAIT_MS,
  type RestartOutcome,
} from '../../core/operate/connectors.js';
import { parseDuration } from './duration.js';
import { CATEGORIES, entryText, type Category, type LogEntry } from '../../core/observe/log-entry.js';
import { parseGrep, parseLevel, parseTimeArg, type LogQuery } from '../../core/observe/log-query.js';
import {
  connectorMetrics,
  rateBetween,
  sparkline,
  type ConnectorMetrics,
} from '../../core/observe/connector-metrics.js';
import { scrapeAll } from '../../core/observe/scrape.js';
import type { MetricsWindow } from '../../core/observe/cloud-metrics.js';
// lag.js loads the Kafka client (~0.5-1 s): imported only when lag is asked for, so status/list start fast.
import type { GroupLag } from '../../core/observe/lag.js';
import type { OpsTarget } from '../../core/observe/target.js';
import type { CommandHandler } from '../command-spec.js';
import type { CliContext, CommandResult, Style } from '../context.js';
import { table } from '../render/output.js';
import { auditSinkFor, nameArg, warnDrift } from './ops-context.js';
import { withEnvironment } from './environment.js';
import type { Backend, ConnectorMetricsService } from '../../core/environment/backend.js';
import { sleepUnlessAborted } from '../../core/sleep.js';

export function colourState(st: Style, s: string): string {
  if (s === 'RUNNING') return st.green(s);
  if (s === 'FAILED') return st.red(st.bold(s));
  if (s === 'DEGRADED') return st.red(s);
  // Confluent Cloud's in-between states (NONE before provisioning starts, DELETED before it is gone) as themselves.
  if (['PAUSED', 'STOPPED', 'RESTARTING', 'UNASSIGNED', 'PROVISIONING', 'NONE', 'DELETED'].includes(s))
    return st.yellow(s);
  return s;
}

function withCluster<T>(ctx: CliContext, run: (c: ConnectCluster, t: OpsTarget, b: Backend) => Promise<T>): Promise<T> {
  return withEnvironment(ctx, (b) => run(b.connect, b.target, b));
}

export const list: CommandHandler = (ctx, _args, o) =>
  withCluster(ctx, async (c, t) => {
    let regex: RegExp | undefined;
    if (typeof o.regex === 'string') {
      try {
        regex = new RegExp(o.regex);
      } catch (e) {
        throw usageError('USAGE', `--regex '${o.regex}' is not a regular expression: ${(e as Error).message}.`);
      }
    }
    const states = typeof o.state === 'string' ? [parseState(o.state)] : undefined;
    const started = performance.now();
    const rows = await listConnectors(c, {
      ...(typeof o.name === 'string' ? { name: o.name } : {}),
      ...(regex ? { regex } : {}),
      ...(states ? { states } : {}),
    });
    const ms = Math.round(performance.now() - started);
    ctx.reporter.debug(`connect list: ${rows.length} connectors in ${ms} ms`);
    return {
      data: { env: t.env, connectors: rows },
      human: (st) =>
        rows.length === 0
          ? `No connectors${o.name || o.regex || o.state ? ' match' : ''} in '${t.env}'.`
          : table(
              ['NAME', 'TYPE', 'STATE', 'TASKS', 'CLASS'],
              rows.map((r) => [
                r.name,
                r.type,
                colourState(st, r.tasks.failed > 0 && r.state === 'RUNNING' ? 'FAILED' : r.state),
                `${r.tasks.running}/${r.tasks.total}${r.tasks.failed ? st.red(` (${r.tasks.failed} failed)`) : ''}`,
                r.class.split('.').pop() ?? r.class,
              ]),
            ),
    };
  });

function parseState(s: string): ObservedState {
  const v = toObservedState(s.toUpperCase());
  if (v === 'UNKNOWN')
    throw usageError(
      'USAGE',
      `--state '${s}' is not a connector state.`,
      'Use RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED or RESTARTING.',
    );
  return v;
}

function statusLines(st: Style, s: ConnectorStatus, withTraces: boolean): string[] {
  const lines = [
    table(
      ['', 'STATE', 'WORKER'],
      [
        ['connector', colourState(st, s.state), s.workerId ?? '-'],
        ...s.tasks.map((t) => [`task ${t.id}`, colourState(st, t.state), t.workerId ?? '-']),
      ],
    ),
  ];
  if (withTraces) {
    for (const x of [
      { label: 'connector', trace: s.trace },
      ...s.tasks.map((t) => ({ label: `task ${t.id}`, trace: t.trace })),
    ]) {
      if (x.trace) lines.push('', st.red(`Trace of the ${x.label}:`), firstLines(x.trace, 12));
    }
  }
  return lines;
}

function firstLines(s: string, n: number): string {
  const l = s.split('\n');
  return l.length > n ? [...l.slice(0, n), `\t... ${l.length - n} more lines (-o json has all)`].join('\n') : s;
}

export const status: CommandHandler = (ctx, args) =>
  withCluster(ctx, async (c) => {
    const name = nameArg(args);
    const s = await requireStatus(c, name);
    const overall = overallState(s);
    return {
      data: { ...s, overall },
      human: (st) =>
        [
          `${st.bold(name)} (${s.type}): ${colourState(st, overall)}`,
          '',
          ...statusLines(st, s, true),
          ...nextStep(st, name, s),
        ].join('\n'),
      exitCode: overall === 'FAILED' ? ExitCode.Error : ExitCode.Ok,
    };
  });

function nextStep(st: Style, name: string, s: ConnectorStatus): string[] {
  if (overallState(s) !== 'FAILED') return [];
  return [
    '',
    st.dim(
      `Next: \`kcops connect logs ${name} --level ERROR\`, then \`kcops connect restart ${name} --include-tasks --failed-only\` (runbook: docs/runbooks/failed-task.md)`,
    ),
  ];
}

export const describe: CommandHandler = (ctx, args) =>
  withCluster(ctx, async (c) => {
    const d = await describeConnector(c, nameArg(args));
    return {
      data: d,
      human: (st) => {
        const cfg = Object.entries(d.config).sort(([a], [b]) => a.localeCompare(b));
        const out = [
          `${st.bold(d.name)}  ${d.type}  ${colourState(st, d.overall)}`,
          `class    ${d.class}`,
          `workers  ${d.workers.join(', ') || '-'}`,
          `topics   ${d.topics === null ? st.dim('(topic tracking disabled)') : d.topics.join(', ') || '-'}`,
          '',
          st.bold('Tasks'),
          table(
            ['TASK', 'STATE', 'WORKER'],
            d.tasks.map((t) => [String(t.id), colourState(st, t.state), t.workerId ?? '-']),
          ),
          '',
          st.bold('Config') + st.dim(' (literal secrets masked; references shown)'),
          table(
            ['KEY', 'VALUE'],
            cfg.map(([k, v]) => [k, v]),
          ),
        ];
        for (const x of [
          { label: 'connector', trace: d.trace },
          ...d.tasks.map((t) => ({ label: `task ${t.id}`, trace: t.trace })),
        ])
          if (x.trace) out.push('', st.red(`Trace of the ${x.label}:`), firstLines(x.trace, 15));
        return out.join('\n');
      },
      exitCode: ExitCode.Ok,
    };
  });

type Lifecycle = 'pause' | 'resume' | 'stop';
const TARGET: Record<Lifecycle, TargetState> = { pause: 'PAUSED', resume: 'RUNNING', stop: 'STOPPED' };

function lifecycle(action: Lifecycle): CommandHandler {
  return (ctx, args, o) =>
    withCluster(ctx, async (c, t) => {
      const name = nameArg(args);
      const timeoutMs = stateWaitOf(o);
      await requireStatus(c, name);
      const r = await audited(
        auditSinkFor(ctx, t),
        { action: `ops:${action}`, connector: name, env: t.env, cluster: c.id, credentialKeyId: c.credentialKeyId },
        async () => {
          await c[action](name);
          // Confluent Cloud's pause/resume answer 202 and move the state later: wait for it (bounded).
          return waitForState(c, name, TARGET[action], { timeoutMs, pollMs: 300 });
        },
        (x) => ({ state: x.status.state }),
      );
      const after = r.status;
      warnDrift(ctx, t, `${name} ${TARGET[action]}`);
      return {
        data: {
          connector: name,
          action,
          state: after.state,
          reached: r.reached,
          waitedMs: r.waitedMs,
          tasks: after.tasks.map((x) => ({ id: x.id, state: x.state })),
        },
        human: (st) =>
          `${r.reached ? st.green('✔') : st.yellow('…')} ${name}: ${colourState(st, after.state)}${r.reached ? '' : ` (asked for ${TARGET[action]}, not there after ${Math.round(r.waitedMs / 1000)} s; it may still be moving: \`kcops connect status ${name}\`)`}`,
        exitCode: overallState(after) === 'FAILED' ? ExitCode.Error : ExitCode.Ok,
      };
    });
}

/** `--wait-timeout` of pause/resume/stop: how long to wait for the requested state (default 60 s). */
export function stateWaitOf(o: Record<string, unknown>): number {
  return o.waitTimeout === undefined ? DEFAULT_STATE_WAIT_MS : parseDuration(String(o.waitTimeout), '--wait-timeout');
}
export const pause = lifecycle('pause');
export const resume = lifecycle('resume');
export const stop = lifecycle('stop');

export const restart: CommandHandler = (ctx, args, o) =>
  withCluster(ctx, async (c, t) => {
    const sink = auditSinkFor(ctx, t);
    let outcomes: RestartOutcome[];
    if (o.allFailed) {
      if (typeof args[0] === 'string')
        throw usageError('USAGE', 'Give either a connector name or --all-failed, not both.');
      outcomes = await audited(
        sink,
        {
          action: 'ops:restart-all-failed',
          connector: '*',
          env: t.env,
          cluster: c.id,
          credentialKeyId: c.credentialKeyId,
        },
        () => restartAllFailed(c),
        (r) => ({ connectors: r.map((x) => x.connector) }),
      );
    } else {
      const name = nameArg(args);
      const req = { onlyFailed: Boolean(o.failedOnly), includeTasks: Boolean(o.includeTasks) };
      outcomes = [
        await audited(
          sink,
          {
            action: 'ops:restart',
            connector: name,
            env: t.env,
            cluster: c.id,
            credentialKeyId: c.credentialKeyId,
            details: req,
          },
          () => restartConnector(c, name, req),
          (r) => ({ restarted: r.restarted, state: overallState(r.after) }),
        ),
      ];
    }
    const stillFailed = outcomes.filter((x) => overallState(x.after) === 'FAILED');
    return {
      data: {
        restarted: outcomes.map((x) => ({
          connector: x.connector,
          restarted: x.restarted,
          state: x.after.state,
          tasks: x.after.tasks.map((k) => ({ id: k.id, state: k.state })),
        })),
      },
      human: (st) =>
        outcomes.length === 0
          ? st.green('Nothing has failed: nothing to restart.')
          : outcomes
              .map((x) =>
                [
                  `${overallState(x.after) === 'FAILED' ? st.red('✖') : st.green('✔')} ${st.bold(x.connector)}: restarted ${describeRestarted(x)}`,
                  ...statusLines(st, x.after, false),
                  ...nextStep(st, x.connector, x.after),
                ].join('\n'),
              )
              .join('\n\n'),
      exitCode: stillFailed.length > 0 ? ExitCode.Error : ExitCode.Ok,
    };
  });

function describeRestarted(x: RestartOutcome): string {
  const parts = [];
  if (x.restarted.connector) parts.push('the connector');
  if (x.restarted.tasks.length)
    parts.push(`task${x.restarted.tasks.length > 1 ? 's' : ''} ${x.restarted.tasks.join(', ')}`);
  return parts.join(' and ') || 'nothing (nothing was failed)';
}

export const remove: CommandHandler = (ctx, args, o) =>
  withCluster(ctx, async (c, t) => {
    const name = nameArg(args);
    if (!o.approve) {
      throw new UserError('APPROVAL_REQUIRED', `Deleting ${name} needs --approve.`, {
        hint: t.isDev
          ? `Run \`kcops connect delete ${name} --approve\`.`
          : `In '${t.env}' connectors are managed from Git: delete its file and apply the plan (\`kcops plan --env ${t.env}\`). For an emergency, add --approve.`,
        exitCode: ExitCode.Usage,
      });
    }
    await requireStatus(c, name);
    await audited(
      auditSinkFor(ctx, t),
      { action: 'ops:delete', connector: name, env: t.env, cluster: c.id, credentialKeyId: c.credentialKeyId },
      () => c.delete(name),
    );
    warnDrift(ctx, t, `The deletion of ${name}`);
    return { data: { connector: name, deleted: true }, human: (st) => `${st.green('✔')} deleted ${name}` };
  });

export const offsetsGet: CommandHandler = (ctx, args) =>
  withCluster(ctx, async (c) => {
    const name = nameArg(args);
    await requireStatus(c, name);
    const offsets = await c.getOffsets(name);
    return {
      data: { connector: name, offsets },
      human: (st) =>
        offsets.length === 0
          ? `${name} has no committed offsets yet.`
          : table(
              ['PARTITION', 'OFFSET'],
              offsets.map((x) => [
                JSON.stringify(x.partition),
                x.offset === null ? st.dim('(none)') : JSON.stringify(x.offset),
              ]),
            ),
    };
  });

export const offsetsAlter: CommandHandler = (ctx, args, o) =>
  withCluster(ctx, async (c, t) => {
    const name = nameArg(args);
    if (typeof o.offsetsFile !== 'string')
      throw usageError(
        'USAGE',
        '--offsets-file is required.',
        `Start from \`kcops connect offsets get ${name} -o json > offsets.json\`.`,
      );
    let text: string;
    try {
      text = readFileSync(resolve(ctx.cwd, o.offsetsFile), 'utf8');
    } catch (e) {
      throw usageError('USAGE', `Cannot read ${o.offsetsFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
    }
    const offsets = parseOffsets(text, o.offsetsFile);
    await requireStopped(c, name, 'altered');
    await audited(
      auditSinkFor(ctx, t),
      {
        action: 'ops:offsets:alter',
        connector: name,
        env: t.env,
        cluster: c.id,
        credentialKeyId: c.credentialKeyId,
        details: { offsets },
      },
      () => c.alterOffsets(name, offsets),
    );
    const now = await c.getOffsets(name);
    return {
      data: { connector: name, altered: offsets.length, offsets: now },
      human: (st) =>
        `${st.green('✔')} ${name}: ${offsets.length} offset(s) altered. Start it again with \`kcops connect resume ${name}\`.`,
    };
  });

export const offsetsReset: CommandHandler = (ctx, args, o) =>
  withCluster(ctx, async (c, t) => {
    const name = nameArg(args);
    if (!o.approve)
      throw new UserError(
        'APPROVAL_REQUIRED',
        `Resetting the offsets of ${name} needs --approve: it will re-read from the beginning.`,
        { exitCode: ExitCode.Usage },
      );
    await requireStopped(c, name, 'reset');
    await audited(
      auditSinkFor(ctx, t),
      { action: 'ops:offsets:reset', connector: name, env: t.env, cluster: c.id, credentialKeyId: c.credentialKeyId },
      () => c.resetOffsets(name),
    );
    return {
      data: { connector: name, reset: true },
      human: (st) => `${st.green('✔')} ${name}: offsets reset. Start it again with \`kcops connect resume ${name}\`.`,
    };
  });

const CONNECTOR_TYPES = new Set(['source', 'sink']);

export const pluginsList: CommandHandler = (ctx, _args, o) =>
  withCluster(ctx, async (c) => {
    const all = await c.plugins();
    const type = typeof o.type === 'string' ? o.type.toLowerCase() : undefined;
    const plugins = all
      .filter((p) => (type ? p.type === type : o.all ? true : CONNECTOR_TYPES.has(p.type)))
      .sort((a, b) => a.type.localeCompare(b.type) || a.class.localeCompare(b.class));
    return {
      data: { plugins },
      human: () =>
        table(
          ['CLASS', 'TYPE', 'VERSION'],
          plugins.map((p) => [p.class, p.type, p.version || '-']),
        ),
    };
  });

export const pluginsDescribe: CommandHandler = (ctx, args, o) =>
  withCluster(ctx, async (c) => {
    const cls = args[0] as string;
    let defs;
    try {
      defs = await c.pluginConfig(cls);
    } catch (e) {
      if (e instanceof UserError && e.code === 'CONNECT_NOT_FOUND') {
        throw new UserError('PLUGIN_NOT_FOUND', `No plugin '${cls}' is installed on this cluster.`, {
          hint: 'See what is: `kcops connect plugins list --all`.',
        });
      }
      throw e;
    }
    const shown = o.required ? defs.filter((d) => d.required || d.defaultValue === null) : defs;
    return {
      data: { class: cls, configs: shown },
      human: (st) =>
        table(
          ['NAME', 'TYPE', 'DEFAULT', 'IMPORTANCE', 'DOCUMENTATION'],
          shown.map((d) => [
            d.required ? st.bold(d.name) : d.name,
            d.type,
            d.defaultValue === null ? st.dim('(none)') : d.defaultValue === '' ? '""' : d.defaultValue,
            d.importance,
            d.documentation.length > 80 ? d.documentation.slice(0, 77) + '...' : d.documentation,
          ]),
        ),
    };
  });

function logQuery(name: string, o: Record<string, unknown>): LogQuery {
  const now = Date.now();
  const q: LogQuery = { connector: name };
  if (typeof o.since === 'string') q.since = parseTimeArg(o.since, now, '--since');
  if (typeof o.until === 'string') q.until = parseTimeArg(o.until, now, '--until');
  if (typeof o.level === 'string') q.level = parseLevel(o.level);
  if (typeof o.grep === 'string') q.grep = parseGrep(o.grep);
  if (typeof o.task === 'number') q.task = o.task;
  if (typeof o.category === 'string') {
    const cats = o.category.split(',').map((x) => x.trim());
    for (const x of cats)
      if (!(CATEGORIES as readonly string[]).includes(x))
        throw usageError('USAGE', `--category '${x}' is not one of ${CATEGORIES.join(', ')}.`);
    q.categories = cats as Category[];
  }
  if (o.workerEvents) q.includeWorkerEvents = true;
  return q;
}

function entryJson(e: LogEntry) {
  return {
    time: e.time === undefined ? null : new Date(e.time).toISOString(),
    level: e.level,
    source: e.source,
    connector: e.context?.connector ?? null,
    scope: e.context?.scope ?? null,
    task: e.context?.task ?? null,
    categories: e.categories,
    message: e.message,
    logger: e.logger ?? null,
    more: e.more,
  };
}

function entryHuman(st: Style, e: LogEntry, multiSource: boolean): string {
  const tag = e.categories.length ? st.cyan(` {${e.categories.join(',')}}`) : '';
  const src = multiSource ? st.dim(`${e.source.padEnd(9)}| `) : '';
  const text = entryText(e);
  const coloured =
    e.level === 'ERROR' || e.level === 'FATAL' ? st.red(text) : e.level === 'WARN' ? st.yellow(text) : text;
  const [head, ...rest] = coloured.split('\n');
  return [src + head + tag, ...rest.map((l) => src + l)].join('\n');
}

export const logs: CommandHandler = (ctx, args, o) => withEnvironment(ctx, (b) => readLogs(ctx, b, args, o));

async function readLogs(
  ctx: CliContext,
  b: Backend,
  args: (string | string[] | undefined)[],
  o: Record<string, unknown>,
): Promise<CommandResult> {
  const name = nameArg(args);
  const source = b.logs();
  const q = logQuery(name, o);
  const json = ctx.globals.output === 'json';
  const st = styleOf(ctx);
  const multi = true;
  if (o.follow) {
    const ac = new AbortController();
    const stopOn = () => ac.abort();
    process.once('SIGINT', stopOn);
    process.once('SIGTERM', stopOn);
    ctx.reporter.info(`Following ${name} in ${source.description} (Ctrl-C to stop)`);
    // Followed lines bypass the result renderer: they get its redaction and escaping here.
    const write = (e: LogEntry) =>
      ctx.stdout.write(
        (json ? JSON.stringify(redactDeep(entryJson(e))) : sanitizeTerminal(redactText(entryHuman(st, e, multi)))) +
          '\n',
      );
    const initial = await source.read(q, Number(o.lines ?? 200));
    initial.forEach(write);
    await source.follow(q, write, ac.signal);
    process.off('SIGINT', stopOn);
    process.off('SIGTERM', stopOn);
    return { data: {}, human: () => '' };
  }
  // Ctrl-C abandons the read where the source can (a Logs Insights query is stopped instead of running, and billing,
  // to its end); a second Ctrl-C exits at once.
  const ac = new AbortController();
  const abort = () => ac.abort();
  process.once('SIGINT', abort);
  const entries = await source.read(q, Number(o.lines ?? 200), ac.signal).finally(() => process.off('SIGINT', abort));
  return {
    data: { connector: name, source: source.description, entries: entries.map(entryJson) },
    human: (s) =>
      entries.length === 0
        ? s.dim(`No entries of ${name} match in ${source.description}.`)
        : entries.map((e) => entryHuman(s, e, multi)).join('\n'),
  };
}

/** Follow mode writes as it goes, so it styles lines itself (same rules as the renderer). */
function styleOf(ctx: CliContext): Style {
  const id = (s: string) => s;
  if (!ctx.globals.color || ctx.globals.output !== 'human')
    return { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };
  const w = (a: number, b: number) => (s: string) => `\u001b[${a}m${s}\u001b[${b}m`;
  return { bold: w(1, 22), dim: w(2, 22), red: w(31, 39), green: w(32, 39), yellow: w(33, 39), cyan: w(36, 39) };
}

interface MetricsView {
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

async function collectMetrics(b: Backend, name: string, withLag: boolean): Promise<MetricsView> {
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
        const { sinkLag } = await import('../../core/observe/lag.js');
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

export const metrics: CommandHandler = (ctx, args, o) =>
  withCluster(ctx, async (_c, _t, b) => {
    const name = nameArg(args);
    const withLag = o.lag !== false;
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
    const intervalMs = Math.max(1, Number(o.interval ?? 5)) * 1000;
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
