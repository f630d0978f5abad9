import { EntryAssembler, type LogEntry } from './log-entry.js';
import { matches, mergeByTime, type LogQuery } from './log-query.js';
import type { LogSource } from './log-source.js';
import { UserError } from '../../errors.js';
import type { Reporter } from '../reporter.js';
import {
  INSIGHTS_MAX_ROWS,
  insightsCanQuery,
  insightsQuery,
  runInsightsQuery,
  type InsightsOperation,
} from './cloudwatch-insights.js';
import { followLoop } from './follow-loop.js';

const HOUR = 3_600_000;

export interface CloudWatchLogSourceOptions {
  region: string;
  logGroup: string;
  /** Only streams whose name starts with this (e.g. one per worker: `connect-worker-`). */
  logStreamPrefix?: string;
  /** Stand-ins and VPC endpoints only. */
  endpoint?: string;
  /** Explicit credentials (tests); otherwise the SDK's default chain (env, profile, instance role, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Without --since, how far back read() looks (default 1 h). */
  defaultLookBackMs?: number;
  /** Upper bound of events fetched by one read (default 50,000): a guard against an unbounded scan. */
  maxEvents?: number;
  /**
   * A read whose window is longer than this goes through Logs Insights instead of FilterLogEvents (default 1 h;
   * Infinity: never). FilterLogEvents pages through every event of the window, 1 MB per call; Insights scans in
   * parallel on the service side and returns only the connector's events, but is billed per GB scanned.
   */
  insightsAboveMs?: number;
  /** Logs Insights polling: first wait (default 500 ms, doubling up to 5 s) and overall deadline (default 5 min). */
  insightsPollMs?: number;
  insightsTimeoutMs?: number;
  pollMs?: number;
  now?: () => number;
  /** Time zone of the workers' log4j timestamps; default: this machine's. */
  utcOffsetMinutes?: number;
  /** Where a cut Insights result is reported (warning) and the query and bytes scanned are logged (debug). */
  reporter?: Reporter;
}

type Operation = 'FilterLogEvents' | InsightsOperation;
type Send = (op: Operation, input: Record<string, unknown>, signal?: AbortSignal) => Promise<unknown>;

interface FilteredEvent {
  logStreamName?: string;
  timestamp?: number;
  message?: string;
  eventId?: string;
}

interface FilterPage {
  events?: FilteredEvent[];
  nextToken?: string;
}

/**
 * Worker logs shipped to CloudWatch Logs (one stream per worker, by the CloudWatch agent or a log4j appender), read
 * with the AWS SDK: through FilterLogEvents, or for windows longer than `insightsAboveMs` through Logs Insights
 * (cloudwatch-insights.ts). Events are split into lines and assembled per stream exactly as log file lines are, so
 * with FilterLogEvents stack traces stay with their line whether the shipper sent them as one multi-line event or as
 * many. Insights selects events, not neighbours: there a stack trace comes with its line only inside one multi-line
 * event. The SDK is loaded on first use so that commands that do not read logs do not pay for it.
 */
export class CloudWatchLogSource implements LogSource {
  readonly description: string;
  readonly lookBack: string;
  private client: Promise<Send> | undefined;

  constructor(private readonly o: CloudWatchLogSourceOptions) {
    this.description = `CloudWatch Logs ${o.logGroup}${o.logStreamPrefix ? `/${o.logStreamPrefix}*` : ''} (${o.region})`;
    const above = o.insightsAboveMs ?? HOUR;
    this.lookBack =
      'the log group retention (CloudWatch keeps events 1 day to 10 years, or forever; default without --since: 1 h)' +
      (Number.isFinite(above)
        ? `; windows over ${above / 60_000} min are read with Logs Insights (newest ${INSIGHTS_MAX_ROWS.toLocaleString('en')} events)`
        : '');
  }

  private call(op: Operation, input: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    this.client ??= (async () => {
      const sdk = await import('@aws-sdk/client-cloudwatch-logs');
      const c = new sdk.CloudWatchLogsClient({
        region: this.o.region,
        ...(this.o.endpoint ? { endpoint: this.o.endpoint } : {}),
        ...(this.o.credentials ? { credentials: this.o.credentials } : {}),
        maxAttempts: 3,
      });
      const commands = {
        FilterLogEvents: sdk.FilterLogEventsCommand,
        StartQuery: sdk.StartQueryCommand,
        GetQueryResults: sdk.GetQueryResultsCommand,
        StopQuery: sdk.StopQueryCommand,
      };
      return (o: Operation, i: Record<string, unknown>, s?: AbortSignal) => {
        const Command = commands[o] as unknown as new (input: never) => never;
        return c.send(new Command(i as never), s ? { abortSignal: s } : {});
      };
    })();
    return this.client
      .then((send) => send(op, input, signal))
      .catch((e: unknown) => {
        if (signal?.aborted) throw new UserError('LOGS_INTERRUPTED', `Interrupted while reading ${this.description}.`);
        throw explain(e, this.o.logGroup);
      });
  }

  private filter(input: Record<string, unknown>, signal?: AbortSignal): Promise<FilterPage> {
    return this.call('FilterLogEvents', input, signal) as Promise<FilterPage>;
  }

  /** Every event of the window, all pages, oldest first within each stream. */
  private async events(
    startTime: number,
    endTime: number | undefined,
    max: number,
    signal?: AbortSignal,
  ): Promise<FilteredEvent[]> {
    const out: FilteredEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.filter(
        {
          logGroupName: this.o.logGroup,
          ...(this.o.logStreamPrefix ? { logStreamNamePrefix: this.o.logStreamPrefix } : {}),
          startTime,
          ...(endTime !== undefined ? { endTime } : {}),
          ...(nextToken ? { nextToken } : {}),
        },
        signal,
      );
      out.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken && out.length < max);
    return out;
  }

  async read(q: LogQuery, limit: number, signal?: AbortSignal): Promise<LogEntry[]> {
    const now = (this.o.now ?? Date.now)();
    const start = q.since ?? now - (this.o.defaultLookBackMs ?? HOUR);
    const end = q.until ?? now;
    if (end - start > (this.o.insightsAboveMs ?? HOUR) && insightsCanQuery(q))
      return this.readInsights(q, start, end, limit, signal);
    return this.entries(await this.events(start, q.until, this.o.maxEvents ?? 50_000, signal), q, limit);
  }

  /** Events of one or more streams (oldest first within each) → the query's entries, oldest first, the newest `limit`. */
  private entries(events: FilteredEvent[], q: LogQuery, limit: number): LogEntry[] {
    const byStream = new Map<string, LogEntry[]>();
    const assemblers = new Map<string, EntryAssembler>();
    for (const ev of events) this.feed(ev, q, assemblers, byStream, (e, list) => list.push(e));
    for (const a of assemblers.values()) a.flush();
    return mergeByTime([...byStream.values()]).slice(-limit);
  }

  private async readInsights(
    q: LogQuery,
    startMs: number,
    endMs: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<LogEntry[]> {
    // The calls themselves are short and not aborted: an aborted StartQuery could leave a query running unseen, and
    // StopQuery must go out after the abort. The signal ends the waits between polls.
    const r = await runInsightsQuery((op, input) => this.call(op, input), {
      logGroup: this.o.logGroup,
      startMs,
      endMs,
      queryString: insightsQuery(q, this.o.logStreamPrefix ? { logStreamPrefix: this.o.logStreamPrefix } : {}),
      ...(this.o.insightsPollMs !== undefined ? { pollMs: this.o.insightsPollMs } : {}),
      ...(this.o.insightsTimeoutMs !== undefined ? { timeoutMs: this.o.insightsTimeoutMs } : {}),
      ...(signal ? { signal } : {}),
      ...(this.o.now ? { now: this.o.now } : {}),
      ...(this.o.reporter ? { reporter: this.o.reporter } : {}),
    });
    const rep = this.o.reporter;
    rep?.debug(
      `Logs Insights query ${r.queryId}: ${r.rows.length} of ${r.recordsMatched} matching events, ` +
        `${(r.bytesScanned / 1e6).toFixed(1)} MB scanned`,
    );
    const out = this.entries(
      r.rows.map((x) => ({ logStreamName: x.stream, timestamp: x.timestamp, message: x.message })),
      q,
      limit,
    );
    // Rows are the newest; when at least `limit` entries remain, the cut removed only older ones nobody asked for.
    if (r.truncated && out.length < limit) {
      const from = r.rows[0] ? new Date(r.rows[0].timestamp).toISOString() : 'the start';
      rep?.warn(
        `Logs Insights returned only the newest ${r.rows.length.toLocaleString('en')} of ` +
          `${r.recordsMatched.toLocaleString('en')} matching events in ${this.o.logGroup} (its limit per query): ` +
          `entries before ${from} are not shown. Narrow the window (--since/--until) or the query (--level, --task).`,
      );
    }
    return out;
  }

  async follow(q: LogQuery, onEntry: (e: LogEntry) => void, signal: AbortSignal): Promise<void> {
    const assemblers = new Map<string, EntryAssembler>();
    const sink = new Map<string, LogEntry[]>();
    // Re-ask from a little before the newest timestamp seen: CloudWatch may ingest late; event ids drop repeats.
    await followLoop({
      signal,
      poll: (since) => this.events(since, undefined, this.o.maxEvents ?? 50_000),
      key: (ev) => ev.eventId,
      time: (ev) => ev.timestamp,
      onItem: (ev) => this.feed(ev, q, assemblers, sink, (e) => onEntry(e)),
      afterPoll: (delivered) => {
        // A stream with nothing new is quiet: its last entry is complete (its stack trace came with it).
        const touched = new Set(delivered.map((ev) => ev.logStreamName ?? ''));
        for (const [stream, a] of assemblers) if (!touched.has(stream)) a.flush();
      },
      overlapMs: 5_000,
      pollMs: this.o.pollMs ?? 1000,
      advance: 'items',
      ...(this.o.now ? { now: this.o.now } : {}),
    });
    for (const a of assemblers.values()) a.flush();
  }

  private feed(
    ev: FilteredEvent,
    q: LogQuery,
    assemblers: Map<string, EntryAssembler>,
    lists: Map<string, LogEntry[]>,
    emit: (e: LogEntry, list: LogEntry[]) => void,
  ): void {
    const stream = ev.logStreamName ?? '';
    let a = assemblers.get(stream);
    if (!a) {
      const list: LogEntry[] = [];
      lists.set(stream, list);
      a = new EntryAssembler(
        (e) => {
          if (e.time === undefined && ev.timestamp !== undefined) e.time = ev.timestamp;
          if (matches(e, q)) emit(e, list);
        },
        {
          source: stream,
          ...(this.o.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: this.o.utcOffsetMinutes } : {}),
        },
      );
      assemblers.set(stream, a);
    }
    for (const line of (ev.message ?? '').replace(/\r?\n$/, '').split(/\r?\n/)) a.push(line);
  }
}

function explain(e: unknown, group: string): Error {
  const name = (e as { name?: string }).name ?? '';
  const message = (e as Error).message ?? String(e);
  if (name === 'ResourceNotFoundException') {
    return new UserError('LOGS_NOT_FOUND', `CloudWatch Logs has no log group '${group}': ${message}`, {
      hint: 'Check observability.logs.logGroup and region for this environment.',
    });
  }
  if (
    name === 'AccessDeniedException' ||
    name === 'UnrecognizedClientException' ||
    name === 'InvalidSignatureException'
  ) {
    return new UserError('LOGS_ACCESS_DENIED', `CloudWatch Logs refused the request (${name}): ${message}`, {
      hint:
        'The credentials need logs:FilterLogEvents on the log group, and for long windows logs:StartQuery, ' +
        'logs:GetQueryResults and logs:StopQuery (AWS_PROFILE / AWS_ACCESS_KEY_ID select them).',
    });
  }
  if (name === 'LimitExceededException') {
    return new UserError('LOGS_QUERY_LIMIT', `CloudWatch Logs refused another Logs Insights query: ${message}`, {
      hint: 'The account runs as many concurrent Insights queries as it may; wait for some to finish, or read a shorter window (FilterLogEvents).',
    });
  }
  if (name === 'MalformedQueryException') {
    return new UserError('LOGS_QUERY_REJECTED', `CloudWatch Logs Insights rejected the query kcops wrote: ${message}`, {
      hint: 'Please report it (run with --debug to see the query); meanwhile set insightsAbove: never on the log source.',
    });
  }
  if (name === 'CredentialsProviderError') {
    return new UserError('LOGS_NO_CREDENTIALS', `No AWS credentials for CloudWatch Logs: ${message}`, {
      hint: 'Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    });
  }
  return e instanceof Error ? e : new Error(message);
}
