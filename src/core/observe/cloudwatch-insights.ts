import { UserError } from '../../errors.js';
import type { Reporter } from '../reporter.js';
import { LEVELS } from './log-entry.js';
import type { LogQuery } from './log-query.js';
import { sleepUnlessAborted } from '../sleep.js';

/**
 * CloudWatch Logs Insights for `connect logs` windows too long to page through with FilterLogEvents. The query keeps
 * the events that carry the connector's MDC context (and the level and task when asked), and a plain-text `--grep`;
 * it is a superset of what the caller wants: the caller parses the rows into entries and applies the exact LogQuery
 * (`matches`) as it does for FilterLogEvents, so both paths give the same answer.
 */

/** Rows one query can return (the `limit` command's maximum, and one GetQueryResults page). */
export const INSIGHTS_MAX_ROWS = 10_000;

/**
 * Escapes text for a regex literal `/.../` in a query: every ASCII punctuation character gets a backslash. `\/` keeps
 * `/` from ending the literal, and a backslash before punctuation is a literal in the service's regex engines (RE2 and
 * Java alike), while before a letter or a space it could be an escape or an error, so those are left alone.
 */
export function regexText(s: string): string {
  return s.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * The literal text a `--grep` regex matches, when it is nothing but literal printable ASCII (`\.`-style escapes of
 * punctuation allowed) and at most the `i` flag; otherwise undefined, and the grep is applied only client-side.
 * Only then is sending it to Insights certain to keep every entry the client-side regex keeps.
 */
export function grepLiteral(re: RegExp): { text: string; ignoreCase: boolean } | undefined {
  if (re.flags !== '' && re.flags !== 'i') return undefined;
  let text = '';
  for (let i = 0; i < re.source.length; i++) {
    const c = re.source[i]!;
    if (c === '\\') {
      const n = re.source[i + 1];
      if (n === undefined || !/[!-/:-@[-`{-~]/.test(n)) return undefined;
      text += n;
      i++;
    } else if (/[\^$.|?*+()[\]{}/]/.test(c) || !/[ -~]/.test(c)) return undefined;
    else text += c;
  }
  return text ? { text, ignoreCase: re.flags === 'i' } : undefined;
}

/** True when the connector name can go into a query (a control character could not be written in a regex literal). */
export function insightsCanQuery(q: LogQuery): boolean {
  return ![...q.connector].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

/**
 * The Logs Insights QL query for a LogQuery. A header line is `[time] LEVEL [name|task-N] message (logger:line)`, or
 * a JSON event with `"log.level"` and `"kafka.connect.context"` fields (the JSON layout); the whole event is the entry with its stack trace when the shipper sends multi-line events. Newest first, so that when
 * the row cap cuts, it cuts the oldest rows: `read` returns the newest entries.
 */
export function insightsQuery(q: LogQuery, o: { logStreamPrefix?: string; maxRows?: number } = {}): string {
  const levels = `(${(q.level ? LEVELS.slice(LEVELS.indexOf(q.level)) : LEVELS).join('|')})`;
  const name = regexText(q.connector);
  const task = q.task !== undefined ? `task-${q.task}[|\\]]` : '';
  let ofConnector = `@message like /\\] ${levels} \\[${name}\\|${task}/`;
  // The JSON layout (observability/logging/kcops-connect-log.json): level and MDC context are fields of the event.
  ofConnector += ` or (@message like /"log\\.level":"${levels}"/ and @message like /"kafka\\.connect\\.context":"\\[${name}\\|${task}/)`;
  // --worker-events: untagged worker lines that name the connector (matches() then keeps the rebalance ones).
  if (q.includeWorkerEvents && q.task === undefined)
    ofConnector += ` or (@message like /\\] ${levels} / and @message like /${name}/)`;
  const grep = q.grep ? grepLiteral(q.grep) : undefined;
  return [
    'fields @timestamp, @message, @logStream',
    ...(o.logStreamPrefix ? [`filter @logStream like /^${regexText(o.logStreamPrefix)}/`] : []),
    `filter ${ofConnector}`,
    ...(grep ? [`filter @message like /${grep.ignoreCase ? '(?i)' : ''}${regexText(grep.text)}/`] : []),
    'sort @timestamp desc',
    `limit ${o.maxRows ?? INSIGHTS_MAX_ROWS}`,
  ].join('\n| ');
}

export type InsightsOperation = 'StartQuery' | 'GetQueryResults' | 'StopQuery';
/** One CloudWatch Logs API call (the SDK client's send, with errors already explained). */
export type InsightsCall = (op: InsightsOperation, input: Record<string, unknown>) => Promise<unknown>;

export interface InsightsRow {
  stream: string;
  /** Epoch ms of the CloudWatch event. */
  timestamp: number;
  message: string;
}

export interface InsightsResult {
  queryId: string;
  /** Oldest first. */
  rows: InsightsRow[];
  /** The row cap cut the result: older matching events exist in the window but were not returned. */
  truncated: boolean;
  recordsMatched: number;
  bytesScanned: number;
}

export interface InsightsRunOptions {
  logGroup: string;
  startMs: number;
  endMs: number;
  queryString: string;
  maxRows?: number;
  /** First wait between GetQueryResults calls (default 500 ms); doubles up to `maxPollMs` (default 5 s). */
  pollMs?: number;
  maxPollMs?: number;
  /** Give up (and StopQuery) after this long (default 5 min; the service itself stops a query after 60 min). */
  timeoutMs?: number;
  signal?: AbortSignal;
  now?: () => number;
  reporter?: Reporter;
}

interface ResultsPage {
  status?: string;
  results?: { field?: string; value?: string }[][];
  statistics?: { recordsMatched?: number; bytesScanned?: number };
  nextToken?: string;
}

const NARROW = 'Narrow the window (--since/--until) or the query (--level, --task, a plain-text --grep).';

/** StartQuery, then GetQueryResults with a bounded backoff until the query ends; the query is stopped when abandoned. */
export async function runInsightsQuery(call: InsightsCall, o: InsightsRunOptions): Promise<InsightsResult> {
  const now = o.now ?? Date.now;
  const maxRows = o.maxRows ?? INSIGHTS_MAX_ROWS;
  const started = (await call('StartQuery', {
    logGroupNames: [o.logGroup],
    // Epoch seconds, both ends inclusive: round outwards; the caller filters the entries to the exact window.
    startTime: Math.floor(o.startMs / 1000),
    endTime: Math.ceil(o.endMs / 1000),
    queryString: o.queryString,
  })) as { queryId?: string };
  const queryId = started.queryId ?? '';
  o.reporter?.debug(`Logs Insights query ${queryId} on ${o.logGroup}:\n${o.queryString}`);
  const deadline = now() + (o.timeoutMs ?? 300_000);
  let wait = o.pollMs ?? 500;
  let ended = false;
  try {
    for (;;) {
      if (o.signal?.aborted)
        throw new UserError('LOGS_INTERRUPTED', `Interrupted; Logs Insights query ${queryId} was stopped.`);
      const page = (await call('GetQueryResults', { queryId })) as ResultsPage;
      const status = page.status ?? 'Unknown';
      ended = status !== 'Scheduled' && status !== 'Running';
      if (status === 'Complete') return await collect(call, queryId, page, maxRows);
      if (ended) {
        throw new UserError(
          'LOGS_QUERY_FAILED',
          `The Logs Insights query on ${o.logGroup} ended as ${status}${status === 'Timeout' ? ' (the service allows 60 minutes)' : ''}.`,
          {
            hint:
              status === 'Cancelled'
                ? 'Someone stopped it (StopQuery or the console); run the command again.'
                : `${NARROW} Query id: ${queryId}.`,
          },
        );
      }
      if (now() + wait > deadline) {
        throw new UserError(
          'LOGS_QUERY_TIMEOUT',
          `The Logs Insights query on ${o.logGroup} did not finish within ${Math.round((o.timeoutMs ?? 300_000) / 1000)} s; it was stopped.`,
          { hint: NARROW },
        );
      }
      await sleepUnlessAborted(wait, o.signal);
      wait = Math.min(wait * 2, o.maxPollMs ?? 5000);
    }
  } catch (e) {
    // Abandoned (deadline, Ctrl-C, a failed call): stop it, or it runs, scans and bills to its end. Best effort.
    if (!ended) await call('StopQuery', { queryId }).catch(() => undefined);
    throw e;
  }
}

async function collect(call: InsightsCall, queryId: string, first: ResultsPage, maxRows: number) {
  const raw = [...(first.results ?? [])];
  let token = first.nextToken;
  // The service pages large results; kcops reads no more than its cap.
  while (token && raw.length < maxRows) {
    const next = (await call('GetQueryResults', { queryId, nextToken: token })) as ResultsPage;
    raw.push(...(next.results ?? []));
    token = next.nextToken;
  }
  const rows = raw.slice(0, maxRows).map(toRow).reverse();
  const matched = first.statistics?.recordsMatched;
  const recordsMatched = matched ?? rows.length;
  return {
    queryId,
    rows,
    truncated: matched !== undefined ? matched > rows.length : raw.length >= maxRows,
    recordsMatched,
    bytesScanned: first.statistics?.bytesScanned ?? 0,
  };
}

function toRow(fields: { field?: string; value?: string }[]): InsightsRow {
  const get = (f: string) => fields.find((x) => x.field === f)?.value ?? '';
  return { stream: get('@logStream'), timestamp: insightsTimestamp(get('@timestamp')), message: get('@message') };
}

/** Insights prints `@timestamp` as UTC `2026-11-23 10:00:01.000`. */
export function insightsTimestamp(v: string): number {
  return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(v) ? Date.parse(v.replace(' ', 'T') + 'Z') : Date.parse(v);
}
