import { EntryAssembler, type LogEntry } from './log-entry.js';
import { matches, mergeByTime, type LogQuery } from './log-query.js';
import type { LogSource } from './log-source.js';
import { UserError } from '../../errors.js';

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
  pollMs?: number;
  now?: () => number;
  /** Time zone of the workers' log4j timestamps; default: this machine's. */
  utcOffsetMinutes?: number;
}

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
 * through FilterLogEvents with the AWS SDK. Events are split into lines and assembled per stream exactly as log file
 * lines are, so stack traces stay with their line whether the shipper sent them as one multi-line event or as many.
 * The SDK is loaded on first use so that commands that do not read logs do not pay for it.
 */
export class CloudWatchLogSource implements LogSource {
  readonly description: string;
  readonly lookBack =
    'the log group retention (CloudWatch keeps events 1 day to 10 years, or forever; default without --since: 1 h)';
  private client: Promise<{ send: (input: Record<string, unknown>) => Promise<FilterPage> }> | undefined;

  constructor(private readonly o: CloudWatchLogSourceOptions) {
    this.description = `CloudWatch Logs ${o.logGroup}${o.logStreamPrefix ? `/${o.logStreamPrefix}*` : ''} (${o.region})`;
  }

  private filter(input: Record<string, unknown>): Promise<FilterPage> {
    this.client ??= (async () => {
      const sdk = await import('@aws-sdk/client-cloudwatch-logs');
      const c = new sdk.CloudWatchLogsClient({
        region: this.o.region,
        ...(this.o.endpoint ? { endpoint: this.o.endpoint } : {}),
        ...(this.o.credentials ? { credentials: this.o.credentials } : {}),
        maxAttempts: 3,
      });
      return {
        send: (i: Record<string, unknown>) => c.send(new sdk.FilterLogEventsCommand(i as never)) as Promise<FilterPage>,
      };
    })();
    return this.client
      .then((c) => c.send(input))
      .catch((e: unknown) => {
        throw explain(e, this.o.logGroup);
      });
  }

  /** Every event of the window, all pages, oldest first within each stream. */
  private async events(startTime: number, endTime: number | undefined, max: number): Promise<FilteredEvent[]> {
    const out: FilteredEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.filter({
        logGroupName: this.o.logGroup,
        ...(this.o.logStreamPrefix ? { logStreamNamePrefix: this.o.logStreamPrefix } : {}),
        startTime,
        ...(endTime !== undefined ? { endTime } : {}),
        ...(nextToken ? { nextToken } : {}),
      });
      out.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken && out.length < max);
    return out;
  }

  async read(q: LogQuery, limit: number): Promise<LogEntry[]> {
    const now = (this.o.now ?? Date.now)();
    const start = q.since ?? now - (this.o.defaultLookBackMs ?? 3_600_000);
    const events = await this.events(start, q.until, this.o.maxEvents ?? 50_000);
    const byStream = new Map<string, LogEntry[]>();
    const assemblers = new Map<string, EntryAssembler>();
    for (const ev of events) this.feed(ev, q, assemblers, byStream, (e, list) => list.push(e));
    for (const a of assemblers.values()) a.flush();
    return mergeByTime([...byStream.values()]).slice(-limit);
  }

  async follow(q: LogQuery, onEntry: (e: LogEntry) => void, signal: AbortSignal): Promise<void> {
    const now = this.o.now ?? Date.now;
    const seen = new Set<string>();
    const assemblers = new Map<string, EntryAssembler>();
    const sink = new Map<string, LogEntry[]>();
    let from = now();
    while (!signal.aborted) {
      // Re-ask from a little before the newest timestamp seen: CloudWatch may ingest late; event ids drop repeats.
      const events = await this.events(from - 5_000, undefined, this.o.maxEvents ?? 50_000);
      const fresh = events.filter((e) => !e.eventId || !seen.has(e.eventId));
      const touched = new Set<string>();
      for (const ev of fresh) {
        if (ev.eventId) seen.add(ev.eventId);
        if (ev.timestamp !== undefined) from = Math.max(from, ev.timestamp);
        touched.add(ev.logStreamName ?? '');
        this.feed(ev, q, assemblers, sink, (e) => onEntry(e));
      }
      // A stream with nothing new is quiet: its last entry is complete (its stack trace came with it).
      for (const [stream, a] of assemblers) if (!touched.has(stream)) a.flush();
      if (seen.size > 100_000) seen.clear();
      await new Promise<void>((r) => {
        const t = setTimeout(r, this.o.pollMs ?? 1000);
        signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
      });
    }
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
      hint: 'The credentials need logs:FilterLogEvents on the log group (AWS_PROFILE / AWS_ACCESS_KEY_ID select them).',
    });
  }
  if (name === 'CredentialsProviderError') {
    return new UserError('LOGS_NO_CREDENTIALS', `No AWS credentials for CloudWatch Logs: ${message}`, {
      hint: 'Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    });
  }
  return e instanceof Error ? e : new Error(message);
}
