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
} from '../../connect/cluster.js';
import {
  describeConnector,
  listConnectors,
  overallState,
  parseOffsets,
  requireStatus,
  requireStopped,
  restartAllFailed,
  restartConnector,
  settle,
  type RestartOutcome,
} from '../../core/operate/connectors.js';
import { CATEGORIES, entryText, type Category, type LogEntry } from '../../core/observe/log-entry.js';
import { parseGrep, parseLevel, parseTimeArg, type LogQuery } from '../../core/observe/log-query.js';
import {
  connectorMetrics,
  rateBetween,
  sparkline,
  type ConnectorMetrics,
} from '../../core/observe/connector-metrics.js';
import { scrapeAll } from '../../core/observe/scrape.js';
// lag.js loads the Kafka client (~0.5-1 s): imported only when lag is asked for, so status/list start fast.
import type { GroupLag } from '../../core/observe/lag.js';
import type { CommandHandler, OptionsFor } from '../command-spec.js';
import type {
  connectDeleteCommand,
  connectDescribeCommand,
  connectListCommand,
  connectLogsCommand,
  connectMetricsCommand,
  connectOffsetsAlterCommand,
  connectOffsetsGetCommand,
  connectOffsetsResetCommand,
  connectPauseCommand,
  connectPluginsDescribeCommand,
  connectPluginsListCommand,
  connectRestartCommand,
  connectResumeCommand,
  connectStatusCommand,
  connectStopCommand,
} from '../commands/connect.js';
import type { CliContext, CommandResult, Style } from '../context.js';
import { table } from '../render/output.js';
import { nameArg, warnDrift } from './ops-context.js';
import { onEnvironment } from './environment.js';
import type { Backend, ConnectorMetricsService } from '../../core/environment/backend.js';
import { sleepUnlessAborted } from '../../core/sleep.js';

export function colourState(st: Style, s: string): string {
  if (s === 'RUNNING') return st.green(s);
  if (s === 'FAILED') return st.red(st.bold(s));
  if (s === 'PAUSED' || s === 'STOPPED' || s === 'RESTARTING' || s === 'UNASSIGNED') return st.yellow(s);
  return s;
}

export const list = onEnvironment<typeof connectListCommand>(async (ctx, _args, o, { connect: c, target: t }) => {
  let regex: RegExp | undefined;
  if (o.regex !== undefined) {
    try {
      regex = new RegExp(o.regex);
    } catch (e) {
      throw usageError('USAGE', `--regex '${o.regex}' is not a regular expression: ${(e as Error).message}.`);
    }
  }
  const states = o.state !== undefined ? [parseState(o.state)] : undefined;
  const started = performance.now();
  const rows = await listConnectors(c, {
    ...(o.name !== undefined ? { name: o.name } : {}),
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

export const status = onEnvironment<typeof connectStatusCommand>(async (ctx, args, _o, { connect: c }) => {
  const name = nameArg(args[0]);
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

export const describe = onEnvironment<typeof connectDescribeCommand>(async (ctx, args, _o, { connect: c }) => {
  const d = await describeConnector(c, nameArg(args[0]));
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
const TARGET: Record<Lifecycle, ObservedState> = { pause: 'PAUSED', resume: 'RUNNING', stop: 'STOPPED' };

// pause, resume and stop declare the same argument (the name) and no options.
function lifecycle(action: Lifecycle): CommandHandler<typeof connectPauseCommand> {
  return onEnvironment<typeof connectPauseCommand>(async (ctx, args, _o, { connect: c, target: t, audit }) => {
    const name = nameArg(args[0]);
    await requireStatus(c, name);
    const after = await audit(
      { action: `ops:${action}`, connector: name },
      async () => {
        await c[action](name);
        return settle(c, name, { settleMs: 10_000, pollMs: 300 });
      },
      (s) => ({ state: s.state }),
    );
    warnDrift(ctx, t, `${name} ${TARGET[action]}`);
    const ok = after.state === TARGET[action];
    return {
      data: {
        connector: name,
        action,
        state: after.state,
        tasks: after.tasks.map((x) => ({ id: x.id, state: x.state })),
      },
      human: (st) =>
        `${ok ? st.green('✔') : st.yellow('…')} ${name}: ${colourState(st, after.state)}${ok ? '' : ` (asked for ${TARGET[action]}; it may still be moving)`}`,
      exitCode: after.state === 'FAILED' ? ExitCode.Error : ExitCode.Ok,
    };
  });
}
export const pause: CommandHandler<typeof connectPauseCommand> = lifecycle('pause');
export const resume: CommandHandler<typeof connectResumeCommand> = lifecycle('resume');
export const stop: CommandHandler<typeof connectStopCommand> = lifecycle('stop');

export const restart = onEnvironment<typeof connectRestartCommand>(async (ctx, args, o, { connect: c, audit }) => {
  let outcomes: RestartOutcome[];
  if (o.allFailed) {
    if (args[0] !== undefined) throw usageError('USAGE', 'Give either a connector name or --all-failed, not both.');
    outcomes = await audit(
      { action: 'ops:restart-all-failed', connector: '*' },
      () => restartAllFailed(c),
      (r) => ({ connectors: r.map((x) => x.connector) }),
    );
  } else {
    const name = nameArg(args[0]);
    const req = { onlyFailed: o.failedOnly, includeTasks: o.includeTasks };
    outcomes = [
      await audit(
        { action: 'ops:restart', connector: name, details: req },
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

export const remove = onEnvironment<typeof connectDeleteCommand>(
  async (ctx, args, o, { connect: c, target: t, audit }) => {
    const name = nameArg(args[0]);
    if (!o.approve) {
      throw new UserError('APPROVAL_REQUIRED', `Deleting ${name} needs --approve.`, {
        hint: t.isDev
          ? `Run \`kcops connect delete ${name} --approve\`.`
          : `In '${t.env}' connectors are managed from Git: delete its file and apply the plan (\`kcops plan --env ${t.env}\`). For an emergency, add --approve.`,
        exitCode: ExitCode.Usage,
      });
    }
    await requireStatus(c, name);
    await audit({ action: 'ops:delete', connector: name }, () => c.delete(name));
    warnDrift(ctx, t, `The deletion of ${name}`);
    return { data: { connector: name, deleted: true }, human: (st) => `${st.green('✔')} deleted ${name}` };
  },
);

export const offsetsGet = onEnvironment<typeof connectOffsetsGetCommand>(async (ctx, args, _o, { connect: c }) => {
  const name = nameArg(args[0]);
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

export const offsetsAlter = onEnvironment<typeof connectOffsetsAlterCommand>(
  async (ctx, args, o, { connect: c, audit }) => {
    const name = nameArg(args[0]);
    if (o.offsetsFile === undefined)
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
    await audit({ action: 'ops:offsets:alter', connector: name, details: { offsets } }, () =>
      c.alterOffsets(name, offsets),
    );
    const now = await c.getOffsets(name);
    return {
      data: { connector: name, altered: offsets.length, offsets: now },
      human: (st) =>
        `${st.green('✔')} ${name}: ${offsets.length} offset(s) altered. Start it again with \`kcops connect resume ${name}\`.`,
    };
  },
);

export const offsetsReset = onEnvironment<typeof connectOffsetsResetCommand>(
  async (ctx, args, o, { connect: c, audit }) => {
    const name = nameArg(args[0]);
    if (!o.approve)
      throw new UserError(
        'APPROVAL_REQUIRED',
        `Resetting the offsets of ${name} needs --approve: it will re-read from the beginning.`,
        { exitCode: ExitCode.Usage },
      );
    await requireStopped(c, name, 'reset');
    await audit({ action: 'ops:offsets:reset', connector: name }, () => c.resetOffsets(name));
    return {
      data: { connector: name, reset: true },
      human: (st) => `${st.green('✔')} ${name}: offsets reset. Start it again with \`kcops connect resume ${name}\`.`,
    };
  },
);

const CONNECTOR_TYPES = new Set(['source', 'sink']);

export const pluginsList = onEnvironment<typeof connectPluginsListCommand>(async (ctx, _args, o, { connect: c }) => {
  const all = await c.plugins();
  const type = o.type?.toLowerCase();
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

export const pluginsDescribe = onEnvironment<typeof connectPluginsDescribeCommand>(
  async (ctx, args, o, { connect: c }) => {
    const [cls] = args;
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
  },
);

type LogsOptions = OptionsFor<typeof connectLogsCommand>;

function logQuery(name: string, o: LogsOptions): LogQuery {
  const now = Date.now();
  const q: LogQuery = { connector: name };
  if (o.since !== undefined) q.since = parseTimeArg(o.since, now, '--since');
  if (o.until !== undefined) q.until = parseTimeArg(o.until, now, '--until');
  if (o.level !== undefined) q.level = parseLevel(o.level);
  if (o.grep !== undefined) q.grep = parseGrep(o.grep);
  if (o.task !== undefined) q.task = o.task;
  if (o.category !== undefined) {
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

export const logs = onEnvironment<typeof connectLogsCommand>((ctx, args, o, { backend }) =>
  readLogs(ctx, backend, args[0], o),
);

async function readLogs(ctx: CliContext, b: Backend, nameGiven: string, o: LogsOptions): Promise<CommandResult> {
  const name = nameArg(nameGiven);
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
    const initial = await source.read(q, o.lines);
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
  const entries = await source.read(q, o.lines, ac.signal).finally(() => process.off('SIGINT', abort));
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
  const { metrics, notes } = await service.connectorMetrics(name, status.type);
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
  for (const n of v.notes) out.push(st.dim(n));
  return out.join('\n');
}

export const metrics = onEnvironment<typeof connectMetricsCommand>(async (ctx, args, o, { backend: b }) => {
  const name = nameArg(args[0]);
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
