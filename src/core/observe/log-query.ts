import { UserError, usageError } from '../../errors.js';
import { parseDuration } from '../duration.js';
import { LEVELS, type Category, type Level, type LogEntry } from './log-entry.js';

export interface LogQuery {
  connector: string;
  /** Epoch ms bounds, inclusive. */
  since?: number;
  until?: number;
  /** Minimum severity: WARN shows WARN, ERROR and FATAL. */
  level?: Level;
  grep?: RegExp;
  task?: number;
  /** Only entries in at least one of these categories. */
  categories?: Category[];
  /**
   * Also untagged worker lines (herder, group membership) that name the connector: rebalancing happens outside
   * the connector's MDC context. Off by default, so the output holds only lines tagged with this connector.
   */
  includeWorkerEvents?: boolean;
}

export function matches(e: LogEntry, q: LogQuery): boolean {
  if (e.context) {
    if (e.context.connector !== q.connector) return false;
  } else if (!(
    q.includeWorkerEvents &&
    q.task === undefined &&
    mentions(e, q.connector) &&
    e.categories.includes('rebalance')
  )) {
    return false;
  }
  if (q.task !== undefined && e.context?.task !== q.task) return false;
  if (q.level && LEVELS.indexOf(e.level) < LEVELS.indexOf(q.level)) return false;
  if (q.since !== undefined && e.time !== undefined && e.time < q.since) return false;
  if (q.until !== undefined && e.time !== undefined && e.time > q.until) return false;
  if (q.categories && q.categories.length > 0 && !q.categories.some((c) => e.categories.includes(c))) return false;
  if (q.grep && !q.grep.test(e.message) && !e.more.some((l) => q.grep!.test(l))) return false;
  return true;
}

function mentions(e: LogEntry, name: string): boolean {
  const re = new RegExp(`(^|[^A-Za-z0-9_.-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(-\\d+)?($|[^A-Za-z0-9_.-])`);
  return re.test(e.message);
}

/**
 * `--since`/`--until`: a duration back from now (`90s`, `10m`, `2h`, `1d`) or an ISO-8601 time.
 */
export function parseTimeArg(value: string, now: number, flag: string): number {
  const d = parseDuration(value);
  if (d !== undefined) return now - d;
  const t = Date.parse(value);
  if (Number.isNaN(t)) {
    throw usageError(
      'LOGS_TIME',
      `${flag} '${value}' is neither a duration nor a time.`,
      'Use e.g. 10m, 2h, 1d or 2026-01-31T08:00:00Z.',
    );
  }
  return t;
}

export function parseLevel(value: string): Level {
  const v = value.toUpperCase();
  if (!(LEVELS as readonly string[]).includes(v)) {
    throw usageError('LOGS_LEVEL', `--level '${value}' is not a log level.`, `Use one of ${LEVELS.join(', ')}.`);
  }
  return v as Level;
}

export function parseGrep(value: string): RegExp {
  try {
    return new RegExp(value, 'i');
  } catch (e) {
    throw new UserError('LOGS_GREP', `--grep '${value}' is not a regular expression: ${(e as Error).message}.`, {
      exitCode: 2,
    });
  }
}

/** Entries of several workers in time order (stable: a worker's own order is kept for equal times). */
export function mergeByTime(lists: LogEntry[][]): LogEntry[] {
  return lists
    .flat()
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.time ?? 0) - (b.e.time ?? 0) || a.i - b.i)
    .map((x) => x.e);
}
