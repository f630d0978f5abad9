import { EntryAssembler, type LogEntry } from './log-entry.js';
import { matches, mergeByTime, type LogQuery } from './log-query.js';
import type { LogSource } from './log-source.js';
import { UserError } from '../../errors.js';
import { followLoop } from './follow-loop.js';
import { HttpTransport, TransportError, describeTransportError } from '../../connect/http/transport.js';
import {
  DEFAULT_RATE_LIMIT,
  exchange,
  sleep,
  Unreachable,
  type RequestPolicy,
  type RetryPolicy,
} from '../../connect/http/policy.js';
import type { RawResponse } from '../../connect/http/transport.js';

/**
 * Field names of the documents, defaults for Filebeat / Elastic Agent (ECS) documents carrying one Connect log entry
 * per document: the log4j line (with its stack trace when the shipper joins multi-line events) in `message`.
 */
export interface ElasticsearchLogFields {
  /** The log line as the worker wrote it (default `message`). */
  message?: string;
  /** Event time, a `date` field (default `@timestamp`). */
  timestamp?: string;
  /**
   * A keyword field holding the connector name, when an ingest pipeline or processor extracts it from the MDC context
   * (default `kafka.connect.connector`). Documents without it are still found through a phrase query on the message.
   */
  connector?: string;
  /** Which worker wrote the entry; the unit within which continuation lines are assembled (default `host.name`). */
  host?: string;
  /** Second sort key so that `search_after` pages are stable within one millisecond (default `log.offset`). */
  tiebreaker?: string;
}

export type ElasticsearchAuth = { username: string; password: string } | { apiKey: string };

export interface ElasticsearchLogSourceOptions {
  /** Base URL of the cluster (or of a proxy in front of it), e.g. https://logs.example.com:9200. */
  url: string;
  /** Index, alias, data stream or pattern (comma-separated allowed); default `filebeat-*`. */
  index?: string;
  fields?: ElasticsearchLogFields;
  /** Basic auth, or an API key (the `encoded` value of the create-API-key answer, sent as `ApiKey <value>`). */
  auth?: ElasticsearchAuth;
  /** The secret reference the credentials came from, for error hints (never the value). */
  credentialRef?: string;
  /** Without --since, how far back read() looks (default 1 h). */
  defaultLookBackMs?: number;
  /** Upper bound of hits fetched by one read (default 50,000): a guard against an unbounded scan. */
  maxHits?: number;
  /** Hits per search request (default 1,000; the index's max_result_window is 10,000 by default). */
  pageSize?: number;
  pollMs?: number;
  now?: () => number;
  /** Time zone of the workers' log4j timestamps; default: this machine's. */
  utcOffsetMinutes?: number;
  /** Request timeout (default 30 s). */
  timeoutMs?: number;
  /**
   * How often a 5xx or a broken connection is asked again (default 4 attempts, 250 ms to 1 s apart: a new index's
   * shard starting answers 503 for a second or two).
   */
  retry?: RetryPolicy;
}

/** A search is safe to repeat; a 503 while a shard starts is the common case, so the waits are short. */
const SEARCH_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 1_000 };

interface Hit {
  _index?: string;
  _id?: string;
  _source?: Record<string, unknown>;
  sort?: unknown[];
}

interface SearchResponse {
  hits?: { hits?: Hit[] };
}

export const ES_DEFAULTS = {
  index: 'filebeat-*',
  message: 'message',
  timestamp: '@timestamp',
  connector: 'kafka.connect.connector',
  host: 'host.name',
  tiebreaker: 'log.offset',
} as const;

/**
 * Worker logs indexed in Elasticsearch (Filebeat, Elastic Agent, Logstash), read through the `_search` API on kcops'
 * one HTTP transport and request policy. The connector, the time window and --task are part of the query; the level, --grep and the exact MDC context
 * are checked here on the assembled entries (the same rules as for log files), so a phrase query that also matches a
 * connector whose name starts the same costs bandwidth, never a wrong line. Results are sorted by time and paged with
 * `search_after` (no scroll context, no `from` limit).
 */
export class ElasticsearchLogSource implements LogSource {
  readonly description: string;
  readonly lookBack =
    "the index's retention (ILM / data stream lifecycle delete phase, e.g. 30 days; default without --since: 1 h)";
  private readonly f: Required<ElasticsearchLogFields>;
  private readonly index: string;
  private readonly transport: HttpTransport;
  private readonly policy: RequestPolicy;

  constructor(private readonly o: ElasticsearchLogSourceOptions) {
    this.index = o.index ?? ES_DEFAULTS.index;
    this.transport = new HttpTransport({ timeoutMs: o.timeoutMs ?? 30_000 });
    this.policy = { server: o.retry ?? SEARCH_RETRY, rateLimit: DEFAULT_RATE_LIMIT };
    this.f = { ...ES_DEFAULTS, ...stripUndefined(o.fields ?? {}) };
    this.description = `Elasticsearch ${this.index} (${o.url.replace(/\/+$/, '')})`;
  }

  /** The `_search` body for one page; exported through the class for tests and `--debug`. */
  searchBody(q: LogQuery, start: number, end: number | undefined, after?: unknown[]): Record<string, unknown> {
    const name = q.connector;
    const filter: Record<string, unknown>[] = [
      {
        bool: {
          should: [{ term: { [this.f.connector]: name } }, { match_phrase: { [this.f.message]: `[${name}|` } }],
          minimum_should_match: 1,
        },
      },
      {
        range: {
          [this.f.timestamp]: { gte: start, ...(end !== undefined ? { lte: end } : {}), format: 'epoch_millis' },
        },
      },
    ];
    if (q.task !== undefined) filter.push({ match_phrase: { [this.f.message]: `[${name}|task-${q.task}` } });
    return {
      size: this.o.pageSize ?? 1000,
      _source: [this.f.message, this.f.timestamp, this.f.host],
      query: { bool: { filter } },
      sort: [
        { [this.f.timestamp]: { order: 'asc' } },
        { [this.f.tiebreaker]: { order: 'asc', unmapped_type: 'long' } },
      ],
      ...(after ? { search_after: after } : {}),
    };
  }

  /**
   * One `_search`, asked again by the shared policy on a 5xx (a 503 means no active copy of a shard: the index is being
   * created, as by a shipper's first bulk request, or recovering), a 429, or a broken connection.
   */
  private async search(body: Record<string, unknown>): Promise<SearchResponse> {
    const res = await this.request(body);
    if (res.status < 200 || res.status >= 300) throw this.explain(res.status, res.text);
    try {
      return JSON.parse(res.text) as SearchResponse;
    } catch {
      throw new UserError('LOGS_QUERY_FAILED', `Elasticsearch answered ${res.status} with a body that is not JSON.`, {
        hint: 'Is observability.logs.url the Elasticsearch endpoint (not Kibana)?',
      });
    }
  }

  private async request(body: Record<string, unknown>): Promise<RawResponse> {
    const path = `/${encodeURIComponent(this.index).replace(/%2C/gi, ',').replace(/%2A/gi, '*')}/_search`;
    const headers: Record<string, string> = {};
    const a = this.o.auth;
    if (a && 'apiKey' in a) headers.authorization = `ApiKey ${a.apiKey}`;
    else if (a) headers.authorization = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
    try {
      const { res } = await exchange(
        { transport: this.transport, bases: [this.o.url], policy: this.policy, wait: sleep },
        { method: 'POST', path, body, headers, idempotent: true },
      );
      return res;
    } catch (e) {
      const t = e instanceof Unreachable ? e.last : e instanceof TransportError ? e : undefined;
      if (!t) throw e;
      const what = describeTransportError(t);
      throw new UserError('LOGS_UNREACHABLE', `Elasticsearch at ${this.o.url} ${what}.`, {
        hint: 'Check observability.logs.url for this environment and that this machine can reach it.',
      });
    }
  }

  private explain(status: number, text: string): UserError {
    let type = '';
    let reason = text.slice(0, 300);
    try {
      const b = JSON.parse(text) as { error?: { type?: string; reason?: string } | string };
      if (typeof b.error === 'string') reason = b.error;
      else if (b.error) {
        type = b.error.type ?? '';
        reason = b.error.reason ?? reason;
      }
    } catch {
      /* not JSON: keep the text */
    }
    const what = `Elasticsearch refused the search on ${this.index} (${status}${type ? ` ${type}` : ''}): ${reason}`;
    const ref = this.o.credentialRef ? ` (from ${this.o.credentialRef})` : '';
    if (status === 401) {
      return new UserError('LOGS_ACCESS_DENIED', what, {
        hint: this.o.auth
          ? `The credentials${ref} were not accepted: check observability.logs.auth and the secret it references.`
          : 'The cluster needs credentials: declare observability.logs.auth (username/password or apiKey, as secret references).',
      });
    }
    if (status === 403) {
      return new UserError('LOGS_ACCESS_DENIED', what, {
        hint: `The user or API key${ref} needs the 'read' index privilege on ${this.index}.`,
      });
    }
    if (status === 404 && type === 'index_not_found_exception') {
      return new UserError('LOGS_NOT_FOUND', `Elasticsearch has no index ${this.index}: ${reason}`, {
        hint: 'Check observability.logs.index (a pattern such as filebeat-* matches whatever exists).',
      });
    }
    if (status === 503) {
      return new UserError('LOGS_QUERY_FAILED', what, {
        hint:
          `No active copy of a shard of ${this.index} answered: the index is being created or recovering, or the ` +
          `cluster is red. Check GET _cluster/health/${this.index}, and try again.`,
      });
    }
    return new UserError('LOGS_QUERY_FAILED', what, {
      hint: 'Check observability.logs.fields: the timestamp field must be a date and the tiebreaker sortable.',
    });
  }

  /** Every hit of the window, all pages, in (timestamp, tiebreaker) order. */
  private async hits(q: LogQuery, start: number, end: number | undefined, max: number): Promise<Hit[]> {
    const out: Hit[] = [];
    let after: unknown[] | undefined;
    const size = this.o.pageSize ?? 1000;
    for (;;) {
      const page = (await this.search(this.searchBody(q, start, end, after))).hits?.hits ?? [];
      out.push(...page);
      const last = page[page.length - 1];
      if (page.length < size || !last?.sort || out.length >= max) break;
      after = last.sort;
    }
    return out;
  }

  async read(q: LogQuery, limit: number): Promise<LogEntry[]> {
    const now = (this.o.now ?? Date.now)();
    const start = q.since ?? now - (this.o.defaultLookBackMs ?? 3_600_000);
    const hits = await this.hits(q, start, q.until, this.o.maxHits ?? 50_000);
    const byHost = new Map<string, LogEntry[]>();
    const assemblers = new Map<string, EntryAssembler>();
    for (const h of hits) this.feed(h, q, assemblers, byHost, (e, list) => list.push(e));
    for (const a of assemblers.values()) a.flush();
    return mergeByTime([...byHost.values()]).slice(-limit);
  }

  async follow(q: LogQuery, onEntry: (e: LogEntry) => void, signal: AbortSignal): Promise<void> {
    const assemblers = new Map<string, EntryAssembler>();
    const sink = new Map<string, LogEntry[]>();
    // Re-ask from a little before the newest time seen: documents become searchable after the index refresh
    // (1 s by default) and shippers deliver late; `_index/_id` drops repeats.
    await followLoop({
      signal,
      poll: (since) => this.hits(q, since, undefined, this.o.maxHits ?? 50_000),
      key: (h) => (h._id === undefined ? undefined : `${h._index ?? ''}/${h._id}`),
      time: (h) => (typeof h.sort?.[0] === 'number' ? h.sort[0] : this.timeOf(h)),
      onItem: (h) => this.feed(h, q, assemblers, sink, (e) => onEntry(e)),
      afterPoll: (delivered) => {
        // A worker with nothing new is quiet: its last entry is complete (its stack trace came with it).
        const touched = new Set(delivered.map((h) => this.hostOf(h)));
        for (const [host, a] of assemblers) if (!touched.has(host)) a.flush();
      },
      overlapMs: 5_000,
      pollMs: this.o.pollMs ?? 1000,
      advance: 'items',
      ...(this.o.now ? { now: this.o.now } : {}),
    });
    for (const a of assemblers.values()) a.flush();
  }

  private hostOf(h: Hit): string {
    const v = field(h._source, this.f.host);
    return typeof v === 'string' ? v : v === undefined ? '' : String(v);
  }

  private timeOf(h: Hit): number | undefined {
    const v = field(h._source, this.f.timestamp);
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      const t = Date.parse(v);
      return Number.isNaN(t) ? undefined : t;
    }
    return undefined;
  }

  private feed(
    h: Hit,
    q: LogQuery,
    assemblers: Map<string, EntryAssembler>,
    lists: Map<string, LogEntry[]>,
    emit: (e: LogEntry, list: LogEntry[]) => void,
  ): void {
    const host = this.hostOf(h);
    let a = assemblers.get(host);
    if (!a) {
      const list: LogEntry[] = [];
      lists.set(host, list);
      a = new EntryAssembler(
        (e) => {
          if (matches(e, q)) emit(e, list);
        },
        {
          source: host,
          ...(this.o.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: this.o.utcOffsetMinutes } : {}),
        },
      );
      assemblers.set(host, a);
    }
    // The entry's time is the log line's own timestamp (a header always has one), not the shipper's @timestamp.
    const m = field(h._source, this.f.message);
    const text = Array.isArray(m) ? m.map(String).join('\n') : typeof m === 'string' ? m : '';
    for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) a.push(line);
  }
}

/** `host.name` in `{host: {name}}` or in `{"host.name": ...}` (both occur in _source). */
function field(src: Record<string, unknown> | undefined, path: string): unknown {
  if (!src) return undefined;
  if (path in src) return src[path];
  let cur: unknown = src;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
