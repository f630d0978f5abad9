// connect logs: one connector's entries from the environment's log source, read or followed.
import { redactDeep, redactText } from '../../core/secrets/sensitive.js';
import { sanitizeTerminal } from '../render/terminal.js';
import { usageError } from '../../errors.js';
import { CATEGORIES, entryText, type Category, type LogEntry } from '../../core/observe/log-entry.js';
import { parseGrep, parseLevel, parseTimeArg, type LogQuery } from '../../core/observe/log-query.js';
import type { OptionsFor } from '../command-spec.js';
import type { connectLogsCommand } from '../commands/connect.js';
import type { CliContext, CommandResult, Style } from '../context.js';
import { nameArg } from './ops-context.js';
import { onEnvironment } from './environment.js';
import type { Backend } from '../../core/environment/backend.js';
import { configuredLogSources } from '../../core/observe/target.js';
import { styleOf } from './connect-view.js';

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

export const logs = onEnvironment<typeof connectLogsCommand>(async (ctx, args, o, { backend, precheck }) => {
  // Confluent Cloud's logs API is not the Connect API the guard wraps: its own pre-check (View Logs).
  const cloudLogs =
    o.source === 'confluent-cloud' ||
    (o.source === undefined && configuredLogSources(backend.target.observability).length === 0);
  if (backend.target.clusterType === 'confluent-cloud' && cloudLogs) await precheck(nameArg(args[0]), 'logs');
  return readLogs(ctx, backend, args[0], o);
});

async function readLogs(ctx: CliContext, b: Backend, nameGiven: string, o: LogsOptions): Promise<CommandResult> {
  const name = nameArg(nameGiven);
  const source = b.logs(o.source);
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
