import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileQuery, QueryCompileError, runQuery, type InsightsEvent } from './fake-logs-insights.js';

type Body = Record<string, unknown>;
type Answer = { status: number; body: unknown; type?: string };

/** The terminal states of a Logs Insights query the stand-in can be told to end in instead of Complete. */
export type InsightsFailure = 'Failed' | 'Cancelled' | 'Timeout';

interface Query {
  id: string;
  groups: string[];
  startMs: number;
  /** Exclusive: the request's endTime is an inclusive second. */
  endMs: number;
  commands: ReturnType<typeof compileQuery>;
  limit: number;
  status: 'Scheduled' | 'Running' | 'Complete' | InsightsFailure;
  polls: number;
  result?: ReturnType<typeof runQuery> & { scanned: number; bytes: number };
}

/**
 * A CloudWatch Logs stand-in for FilterLogEvents and Logs Insights (StartQuery, GetQueryResults, StopQuery), following
 * the AWS JSON 1.1 protocol the SDK speaks: `POST /` with `X-Amz-Target: Logs_20140328.<Operation>` and
 * `Content-Type: application/x-amz-json-1.1`, a SigV4 `Authorization` header (presence and credential scope checked,
 * not the signature), errors as `{"__type": "...", "message": "..."}` with status 400. Request members the operation
 * does not have are refused (`SerializationException`), so a misspelt member fails a test instead of being ignored.
 *
 * FilterLogEvents:
 * 1. Events live in memory per group and stream; `startTime` is inclusive, `endTime` exclusive (epoch ms),
 *    `logStreamNamePrefix` filters streams; results are ordered by timestamp.
 * 2. At most `pageSize` events per answer (the API returns up to 10,000 or 1 MB); `nextToken` continues.
 * 3. An unknown group is `ResourceNotFoundException`; a missing/unsigned Authorization is `UnrecognizedClientException`.
 * 4. `filterPattern` is supported only as a quoted literal term (substring match); anything else is rejected as
 *    `InvalidParameterException` so a client relying on more is noticed.
 *
 * Logs Insights:
 * 5. StartQuery needs `queryString` and exactly one of `logGroupName`, `logGroupNames`, `logGroupIdentifiers`;
 *    `startTime`/`endTime` are integer epoch SECONDS, both inclusive (an event counts when its second is in range);
 *    a value that can only be milliseconds, or an end before the start, is `InvalidParameterException`; an unknown group
 *    is `ResourceNotFoundException`. The query is compiled at once (fake-logs-insights.ts): a command or operator the
 *    stand-in does not know is `MalformedQueryException` with `queryCompileError`. Answer: `{queryId}`.
 * 6. A query is `Scheduled`, then `Running` for `insights.runningPolls` GetQueryResults calls (with partial results
 *    and statistics, as the service shows progress), then `Complete` — or `insights.endAs` if set, or `Running`
 *    forever with `insights.neverComplete`. Rows are evaluated when the query completes, over the events in memory.
 * 7. GetQueryResults answers `{status, results: [[{field, value}]], statistics: {recordsMatched, recordsScanned,
 *    bytesScanned}}`; `@timestamp` is UTC `yyyy-MM-dd HH:mm:ss.SSS`; each row carries `@ptr`. A complete result is
 *    paged by `insights.pageSize` rows with `nextToken`. An unknown queryId is `ResourceNotFoundException`.
 * 8. StopQuery ends a Scheduled or Running query as `Cancelled` (`{success: true}`); a finished one answers
 *    `{success: false}`.
 */
export class FakeCloudWatchLogs {
  readonly groups = new Map<
    string,
    { stream: string; timestamp: number; message: string; ingestionTime: number; eventId: string }[]
  >();
  readonly calls: { target: string; body: Record<string, unknown> }[] = [];
  readonly insights: { runningPolls: number; endAs?: InsightsFailure; neverComplete: boolean; pageSize: number } = {
    runningPolls: 2,
    neverComplete: false,
    pageSize: 10_000,
  };
  readonly queries = new Map<string, Query>();
  private server: Server | undefined;
  private seq = 0;
  constructor(readonly pageSize = 3) {}

  put(group: string, stream: string, timestamp: number, message: string): void {
    const list = this.groups.get(group) ?? [];
    list.push({ stream, timestamp, message, ingestionTime: Date.now(), eventId: String(++this.seq).padStart(20, '0') });
    this.groups.set(group, list);
  }

  /** Calls of one operation, e.g. `StartQuery`. */
  callsOf(operation: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.target === `Logs_20140328.${operation}`).map((c) => c.body);
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = ({ status, body, type }: Answer) => {
          res.writeHead(status, {
            'content-type': 'application/x-amz-json-1.1',
            ...(type ? { 'x-amzn-errortype': type } : {}),
            'x-amzn-requestid': 'fake-' + this.seq,
          });
          res.end(JSON.stringify(body));
        };
        const target = String(req.headers['x-amz-target'] ?? '');
        let body: Body = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Body;
        } catch {
          return reply(error('SerializationException', 'not JSON'));
        }
        this.calls.push({ target, body });
        if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/x-amz-json-1.1'))
          return reply(error('SerializationException', 'expected POST application/x-amz-json-1.1'));
        if (
          !/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/logs\/aws4_request/.test(
            String(req.headers.authorization ?? ''),
          )
        ) {
          return reply(error('UnrecognizedClientException', 'The security token included in the request is invalid.'));
        }
        const operation = target.startsWith('Logs_20140328.') ? target.slice('Logs_20140328.'.length) : '';
        const handler = this.operations[operation];
        if (!handler) return reply(error('UnknownOperationException', target));
        const unknown = Object.keys(body).filter((k) => !handler.members.includes(k));
        if (unknown.length > 0)
          return reply(error('SerializationException', `${operation} has no member ${unknown.join(', ')}`));
        reply(handler.run(body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private readonly operations: Record<string, { members: string[]; run: (b: Body) => Answer }> = {
    FilterLogEvents: {
      members: [
        'logGroupName',
        'logGroupIdentifier',
        'logStreamNames',
        'logStreamNamePrefix',
        'startTime',
        'endTime',
        'filterPattern',
        'nextToken',
        'limit',
        'interleaved',
        'unmask',
      ],
      run: (b) => this.filterLogEvents(b),
    },
    StartQuery: {
      members: [
        'queryLanguage',
        'logGroupName',
        'logGroupNames',
        'logGroupIdentifiers',
        'startTime',
        'endTime',
        'queryString',
        'limit',
      ],
      run: (b) => this.startQuery(b),
    },
    GetQueryResults: { members: ['queryId', 'nextToken', 'maxItems'], run: (b) => this.getQueryResults(b) },
    StopQuery: { members: ['queryId'], run: (b) => this.stopQuery(b) },
  };

  private filterLogEvents(body: Body): Answer {
    const events = this.groups.get(String(body.logGroupName));
    if (!events) return error('ResourceNotFoundException', 'The specified log group does not exist.');
    let term: string | undefined;
    if (body.filterPattern !== undefined && body.filterPattern !== '') {
      const m = /^"([^"]*)"$/.exec(String(body.filterPattern));
      if (!m) return error('InvalidParameterException', 'filterPattern not supported by the stand-in');
      term = m[1];
    }
    const start = typeof body.startTime === 'number' ? body.startTime : -Infinity;
    const end = typeof body.endTime === 'number' ? body.endTime : Infinity;
    const prefix = typeof body.logStreamNamePrefix === 'string' ? body.logStreamNamePrefix : '';
    const all = events
      .filter(
        (e) =>
          e.timestamp >= start &&
          e.timestamp < end &&
          e.stream.startsWith(prefix) &&
          (term === undefined || e.message.includes(term)),
      )
      .sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
    const from =
      typeof body.nextToken === 'string' ? Number(Buffer.from(body.nextToken, 'base64').toString('utf8')) : 0;
    const size = Math.min(this.pageSize, typeof body.limit === 'number' ? body.limit : 10_000);
    const page = all.slice(from, from + size);
    const more = from + size < all.length;
    return {
      status: 200,
      body: {
        events: page.map((e) => ({
          logStreamName: e.stream,
          timestamp: e.timestamp,
          message: e.message,
          ingestionTime: e.ingestionTime,
          eventId: e.eventId,
        })),
        searchedLogStreams: [...new Set(all.map((e) => e.stream))].map((s) => ({
          logStreamName: s,
          searchedCompletely: true,
        })),
        ...(more ? { nextToken: Buffer.from(String(from + size)).toString('base64') } : {}),
      },
    };
  }

  private startQuery(b: Body): Answer {
    if (b.queryLanguage !== undefined && b.queryLanguage !== 'CWLI')
      return error('InvalidParameterException', `the stand-in speaks only CWLI, not ${String(b.queryLanguage)}`);
    const given = (['logGroupName', 'logGroupNames', 'logGroupIdentifiers'] as const).filter((k) => k in b);
    if (given.length !== 1)
      return error(
        'InvalidParameterException',
        'Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be given.',
      );
    const member = given[0]!;
    const groups = member === 'logGroupName' ? [b.logGroupName] : b[member];
    if (
      !Array.isArray(groups) ||
      groups.length < 1 ||
      groups.length > 50 ||
      !groups.every((g) => typeof g === 'string')
    )
      return error('InvalidParameterException', `${member} must name 1 to 50 log groups.`);
    for (const k of ['startTime', 'endTime'] as const) {
      const v = b[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
        return error('InvalidParameterException', `${k} is required: a whole number of epoch seconds.`);
      // 10^10 s is the year 2286; a larger value is a millisecond timestamp sent where seconds belong.
      if (v >= 1e10) return error('InvalidParameterException', `${k} ${v} is not in epoch seconds.`);
    }
    if ((b.endTime as number) < (b.startTime as number))
      return error('InvalidParameterException', 'End time cannot be less than start time.');
    if (typeof b.queryString !== 'string' || b.queryString.length < 1 || b.queryString.length > 10_000)
      return error('InvalidParameterException', 'queryString is required (1 to 10,000 characters).');
    if (b.limit !== undefined && (typeof b.limit !== 'number' || b.limit < 1 || b.limit > 10_000))
      return error('InvalidParameterException', 'limit must be from 1 to 10,000.');
    const missing = (groups as string[]).find((g) => !this.groups.has(g));
    if (missing) return error('ResourceNotFoundException', `Log group '${missing}' does not exist.`);
    let commands: ReturnType<typeof compileQuery>;
    try {
      commands = compileQuery(b.queryString);
    } catch (e) {
      if (!(e instanceof QueryCompileError)) throw e;
      return error('MalformedQueryException', `Query is malformed: ${e.message}`, {
        queryCompileError: { location: { startCharOffset: e.start, endCharOffset: e.end }, message: e.message },
      });
    }
    const id = `${String(++this.seq).padStart(8, '0')}-fake-4e1c-9c7a-query`;
    this.queries.set(id, {
      id,
      groups: groups as string[],
      startMs: (b.startTime as number) * 1000,
      endMs: ((b.endTime as number) + 1) * 1000,
      commands,
      limit: typeof b.limit === 'number' ? b.limit : 1000,
      status: 'Scheduled',
      polls: 0,
    });
    return { status: 200, body: { queryId: id } };
  }

  private evaluate(q: Query): NonNullable<Query['result']> {
    const events: InsightsEvent[] = q.groups.flatMap((group) =>
      (this.groups.get(group) ?? [])
        .filter((e) => e.timestamp >= q.startMs && e.timestamp < q.endMs)
        .map((e) => ({ ...e, group })),
    );
    return {
      ...runQuery(q.commands, events, q.limit),
      scanned: events.length,
      bytes: events.reduce((n, e) => n + Buffer.byteLength(e.message), 0),
    };
  }

  private getQueryResults(b: Body): Answer {
    const q = this.queries.get(String(b.queryId));
    if (!q) return error('ResourceNotFoundException', `Query ${String(b.queryId)} does not exist.`);
    q.polls++;
    if (q.status === 'Scheduled') q.status = 'Running';
    else if (q.status === 'Running' && !this.insights.neverComplete && q.polls > this.insights.runningPolls)
      q.status = this.insights.endAs ?? 'Complete';
    if (q.status === 'Complete') q.result ??= this.evaluate(q);
    const r = q.result ?? this.evaluate(q);
    const complete = q.status === 'Complete';
    // While running, the service shows what it has found so far; a client must wait for Complete.
    const rows = complete ? r.rows : q.status === 'Running' ? r.rows.slice(0, Math.floor(r.rows.length / 2)) : [];
    const from = complete && typeof b.nextToken === 'string' ? Number(b.nextToken.replace(/^page-/, '')) : 0;
    const size = Math.min(this.insights.pageSize, typeof b.maxItems === 'number' ? b.maxItems : 10_000);
    const page = complete ? rows.slice(from, from + size) : rows;
    const share = complete ? 1 : q.status === 'Running' ? 0.5 : 0;
    return {
      status: 200,
      body: {
        queryLanguage: 'CWLI',
        status: q.status,
        results: page,
        statistics: {
          recordsMatched: Math.floor(r.matched * share),
          recordsScanned: Math.floor(r.scanned * share),
          bytesScanned: Math.floor(r.bytes * share),
        },
        ...(complete && from + size < rows.length ? { nextToken: `page-${from + size}` } : {}),
      },
    };
  }

  private stopQuery(b: Body): Answer {
    const q = this.queries.get(String(b.queryId));
    if (!q) return error('ResourceNotFoundException', `Query ${String(b.queryId)} does not exist.`);
    if (q.status !== 'Scheduled' && q.status !== 'Running') return { status: 200, body: { success: false } };
    q.status = 'Cancelled';
    return { status: 200, body: { success: true } };
  }
}

function error(type: string, message: string, extra: Body = {}): Answer {
  return { status: 400, body: { __type: type, message, ...extra }, type };
}
