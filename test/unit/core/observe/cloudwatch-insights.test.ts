import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CloudWatchLogSource,
  type CloudWatchLogSourceOptions,
} from '../../../../src/core/observe/cloudwatch-log-source.js';
import { grepLiteral, insightsQuery, regexText } from '../../../../src/core/observe/cloudwatch-insights.js';
import { parseGrep, type LogQuery } from '../../../../src/core/observe/log-query.js';
import type { LogEntry } from '../../../../src/core/observe/log-entry.js';
import { logSourceFor } from '../../../../src/core/observe/log-sources.js';
import { observabilitySchema, type OpsTarget } from '../../../../src/core/observe/target.js';
import { RecordingReporter } from '../../../../src/core/reporter.js';
import { UserError } from '../../../../src/errors.js';
import { FakeCloudWatchLogs } from '../../../fakes/fake-cloudwatch-logs.js';

const GROUP = '/kafka-connect/prod';
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const H = 3_600_000;
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
const line = (ms: number, level: string, ctx: string, msg: string) =>
  `[${stamp(ms)}] ${level} [${ctx}] ${msg} (org.example.Logger:42)`;
const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };
/** A name full of regex syntax: the query must escape it. */
const ODD = 'orders.v2+(eu)/x';

let cw: FakeCloudWatchLogs;
let endpoint: string;
let reporter: RecordingReporter;

function source(o: Partial<CloudWatchLogSourceOptions> = {}): CloudWatchLogSource {
  return new CloudWatchLogSource({
    region: 'eu-west-1',
    logGroup: GROUP,
    logStreamPrefix: 'worker-',
    endpoint,
    credentials,
    utcOffsetMinutes: 0,
    now: () => T0 + 60_000,
    insightsPollMs: 5,
    reporter,
    ...o,
  });
}
const brief = (es: LogEntry[]) => es.map((e) => [e.source, e.level, e.context?.connector, e.message]);

beforeEach(async () => {
  cw = new FakeCloudWatchLogs(2);
  endpoint = await cw.listen();
  reporter = new RecordingReporter();
  cw.put(GROUP, 'worker-1', T0 - 2 * H, line(T0 - 2 * H, 'INFO', 'payments-a|task-0', 'Starting task'));
  // A stack trace shipped as one multi-line event (CloudWatch agent multi_line_start_pattern, log4j appenders).
  cw.put(
    GROUP,
    'worker-1',
    T0 - H,
    line(T0 - H, 'ERROR', 'payments-a|task-0', 'Task threw an uncaught exception') +
      '\njava.lang.RuntimeException: boom a/b\n\tat x.y(Z.java:1)',
  );
  cw.put(GROUP, 'worker-2', T0 - 90 * 60_000, line(T0 - 90 * 60_000, 'INFO', 'payments-b|task-0', 'Starting task'));
  // A longer name that starts with the same text, and a line that only mentions the connector.
  cw.put(GROUP, 'worker-2', T0 - 80 * 60_000, line(T0 - 80 * 60_000, 'ERROR', 'payments-ab|task-0', 'Failed'));
  cw.put(
    GROUP,
    'worker-2',
    T0 - 70 * 60_000,
    line(T0 - 70 * 60_000, 'WARN', 'payments-b|task-0', 'see [payments-a|x]'),
  );
  cw.put(GROUP, 'worker-2', T0 - 30 * 60_000, line(T0 - 30 * 60_000, 'WARN', 'payments-a|task-1', 'Failed to flush'));
  cw.put(GROUP, 'worker-2', T0 - 20 * 60_000, line(T0 - 20 * 60_000, 'INFO', `${ODD}|worker`, 'Starting connector'));
  cw.put(GROUP, 'worker-2', T0 - 19 * 60_000, line(T0 - 19 * 60_000, 'INFO', 'ordersXv2+(eu)/x|worker', 'Not it'));
  cw.put(GROUP, 'other-stream', T0 - 10 * 60_000, line(T0 - 10 * 60_000, 'ERROR', 'payments-a|task-0', 'not a worker'));
  cw.put(GROUP, 'worker-1', T0 + 30_000, line(T0 + 30_000, 'INFO', 'payments-a|task-0', 'Committing offsets'));
});
afterEach(() => cw.close());

describe('CloudWatch Logs source: Logs Insights for long windows (real SDK client, stand-in)', () => {
  it("reads a long window with one query: only that connector's entries, in order, stack trace kept", async () => {
    const got = await source().read({ connector: 'payments-a', since: T0 - 3 * H }, 100);
    expect(brief(got)).toEqual([
      ['worker-1', 'INFO', 'payments-a', 'Starting task'],
      ['worker-1', 'ERROR', 'payments-a', 'Task threw an uncaught exception'],
      ['worker-2', 'WARN', 'payments-a', 'Failed to flush'],
      ['worker-1', 'INFO', 'payments-a', 'Committing offsets'],
    ]);
    expect(got[1]!.more).toEqual(['java.lang.RuntimeException: boom a/b', '\tat x.y(Z.java:1)']);
    expect(got[1]!.categories).toContain('error');
    expect(got[3]!.categories).toContain('throughput');
    expect(cw.callsOf('FilterLogEvents')).toHaveLength(0);
    const [start] = cw.callsOf('StartQuery');
    expect(start).toMatchObject({
      logGroupNames: [GROUP],
      startTime: (T0 - 3 * H) / 1000,
      endTime: (T0 + 60_000) / 1000,
    });
    // Polled through Scheduled and Running until Complete.
    expect(cw.callsOf('GetQueryResults').length).toBeGreaterThanOrEqual(3);
    expect(cw.callsOf('StopQuery')).toHaveLength(0);
    expect(reporter.events.filter((e) => e.kind === 'warn')).toEqual([]);
    expect(reporter.events.some((e) => e.kind === 'debug' && /scanned/.test(e.text))).toBe(true);
  });

  it('escapes the connector name: regex syntax in it is matched literally', async () => {
    const got = await source().read({ connector: ODD, since: T0 - 3 * H }, 100);
    expect(brief(got)).toEqual([['worker-2', 'INFO', ODD, 'Starting connector']]);
    expect(String(cw.callsOf('StartQuery')[0]!.queryString)).toContain('orders\\.v2\\+\\(eu\\)\\/x\\|');
  });

  it('gives the same entries as FilterLogEvents for level, task, category and --grep (sent to Insights or not)', async () => {
    const viaFilter = source({ insightsAboveMs: Infinity });
    const viaInsights = source({ insightsAboveMs: 0 });
    const queries: LogQuery[] = [
      { connector: 'payments-a' },
      { connector: 'payments-a', level: 'WARN' },
      { connector: 'payments-a', task: 1 },
      { connector: 'payments-a', categories: ['error'] },
      { connector: 'payments-a', grep: parseGrep('BOOM A/B') }, // only in the stack trace; literal, sent as (?i)
      { connector: 'payments-a', grep: parseGrep('payments') }, // only in the context: not a message match
      { connector: 'payments-a', grep: parseGrep('2026') }, // only in the timestamp
      { connector: 'payments-a', grep: parseGrep('fl.sh') }, // a regex: client-side only
      { connector: 'payments-a', grep: parseGrep('^Task') },
      { connector: 'payments-a', grep: parseGrep('Flush'), level: 'ERROR' },
    ];
    for (const q of queries) {
      const window = { ...q, since: T0 - 3 * H, until: T0 + 60_000 };
      const expected = await viaFilter.read(window, 100);
      expect(brief(await viaInsights.read(window, 100)), JSON.stringify({ ...q, grep: q.grep?.source })).toEqual(
        brief(expected),
      );
    }
    expect(cw.callsOf('StartQuery')).toHaveLength(queries.length);
    const texts = cw.callsOf('StartQuery').map((b) => String(b.queryString));
    expect(texts[1]).toContain('(WARN|ERROR|FATAL)');
    expect(texts[2]).toContain('task-1[|\\]]');
    expect(texts[4]).toContain('filter @message like /(?i)BOOM A\\/B/');
    expect(texts[7]).not.toMatch(/fl\.sh|fl\\\.sh/);
  });

  it('keeps a window of the threshold or less on FilterLogEvents', async () => {
    const got = await source().read({ connector: 'payments-a', since: T0 - 30 * 60_000 }, 100);
    expect(got.map((e) => e.message)).toEqual(['Failed to flush', 'Committing offsets']);
    expect(cw.callsOf('StartQuery')).toHaveLength(0);
    expect(cw.callsOf('FilterLogEvents').length).toBeGreaterThan(0);
    // The default look-back (1 h) is not longer than the default threshold (1 h).
    await source().read({ connector: 'payments-a' }, 100);
    expect(cw.callsOf('StartQuery')).toHaveLength(0);
  });

  it('warns when the 10,000-row cap cut entries the read needed, and keeps the newest', async () => {
    for (let i = 0; i < 10_050; i++) {
      const t = T0 - 2 * H + i * 100;
      cw.put(GROUP, 'worker-3', t, line(t, 'INFO', 'bulk|task-0', `record batch ${i}`));
    }
    const got = await source().read({ connector: 'bulk', since: T0 - 3 * H }, 20_000);
    expect(got).toHaveLength(10_000);
    expect(got[0]!.message).toBe('record batch 50');
    expect(got.at(-1)!.message).toBe('record batch 10049');
    const warnings = reporter.events.filter((e) => e.kind === 'warn').map((e) => e.text);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/newest 10,000 of 10,050 matching events/);
    expect(warnings[0]).toMatch(/Narrow the window \(--since\/--until\)/);

    // When the newest rows hold the entries asked for, the cut lost nothing the output shows.
    reporter.events.length = 0;
    const last = await source().read({ connector: 'bulk', since: T0 - 3 * H }, 200);
    expect(last.at(-1)!.message).toBe('record batch 10049');
    expect(reporter.events.filter((e) => e.kind === 'warn')).toEqual([]);
  });

  it('explains a query that ended as Failed or Timeout', async () => {
    cw.insights.endAs = 'Failed';
    const err = await source()
      .read({ connector: 'payments-a', since: T0 - 3 * H }, 10)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ code: 'LOGS_QUERY_FAILED', message: expect.stringMatching(/ended as Failed/) });
    expect((err as UserError).hint).toMatch(/Narrow the window/);
    cw.insights.endAs = 'Timeout';
    await expect(source().read({ connector: 'payments-a', since: T0 - 3 * H }, 10)).rejects.toThrow(
      /ended as Timeout \(the service allows 60 minutes\)/,
    );
  });

  it('polls with a bounded backoff and stops the query when it gives up', async () => {
    cw.insights.neverComplete = true;
    const started = Date.now();
    const err = await source({ insightsPollMs: 10, insightsTimeoutMs: 300, now: Date.now })
      .read({ connector: 'payments-a', since: Date.now() - 3 * H }, 10)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LOGS_QUERY_TIMEOUT', message: expect.stringMatching(/within 0 s|within 1 s/) });
    expect(Date.now() - started).toBeLessThan(2000);
    // 10, 20, 40, 80, 160 ms: a handful of polls, not a busy loop.
    expect(cw.callsOf('GetQueryResults').length).toBeLessThanOrEqual(7);
    const id = cw.callsOf('StartQuery').length && [...cw.queries.keys()][0];
    expect(cw.callsOf('StopQuery')).toEqual([{ queryId: id }]);
    expect(cw.queries.get(String(id))!.status).toBe('Cancelled');
  });

  it('stops the query when the read is abandoned', async () => {
    cw.insights.neverComplete = true;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 60);
    await expect(
      source({ insightsPollMs: 10 }).read({ connector: 'payments-a', since: T0 - 3 * H }, 10, ac.signal),
    ).rejects.toMatchObject({ code: 'LOGS_INTERRUPTED' });
    expect(cw.callsOf('StopQuery')).toHaveLength(1);
    expect([...cw.queries.values()][0]!.status).toBe('Cancelled');
  });
});

describe('Logs Insights query text', () => {
  it('sends a --grep only when it is plain text', () => {
    expect(grepLiteral(parseGrep('OutOfMemoryError'))).toEqual({ text: 'OutOfMemoryError', ignoreCase: true });
    expect(grepLiteral(parseGrep('org\\.apache\\.kafka'))).toEqual({ text: 'org.apache.kafka', ignoreCase: true });
    expect(grepLiteral(parseGrep('a/b "c"'))).toEqual({ text: 'a/b "c"', ignoreCase: true });
    for (const re of ['fl.sh', '^Task', 'a|b', 'x+', '\\d', 'é', '(a)', 'a\\nb'])
      expect(grepLiteral(parseGrep(re))).toBe(undefined);
    expect(grepLiteral(/abc/g)).toBe(undefined);
  });

  it('escapes punctuation (and the literal delimiter) but not letters, digits or spaces', () => {
    expect(regexText('a.b/c d_1|[x]')).toBe('a\\.b\\/c d\\_1\\|\\[x\\]');
  });

  it('reads the newest rows first, filtered by stream prefix, context and level', () => {
    expect(insightsQuery({ connector: 'p', level: 'ERROR', task: 2 }, { logStreamPrefix: 'w-' })).toBe(
      [
        'fields @timestamp, @message, @logStream',
        'filter @logStream like /^w\\-/',
        'filter @message like /\\] (ERROR|FATAL) \\[p\\|task-2[|\\]]/' +
          // a worker with the JSON layout: the same level and context, as fields of the event
          ' or (@message like /"log\\.level":"(ERROR|FATAL)"/ and @message like /"kafka\\.connect\\.context":"\\[p\\|task-2[|\\]]/)',
        'sort @timestamp desc',
        'limit 10000',
      ].join('\n| '),
    );
  });
});

describe('insightsAbove in the observability config', () => {
  const target = (logs: unknown) =>
    ({
      env: 'prod',
      isDev: false,
      clusterType: 'self-managed',
      connect: { urls: [] },
      observability: observabilitySchema.parse({ logs }),
    }) as OpsTarget;
  const cwLogs = { type: 'cloudwatch', region: 'eu-west-1', logGroup: GROUP };

  it('takes a duration or never, and the source follows it', () => {
    expect(logSourceFor(target(cwLogs)).lookBack).toMatch(/windows over 60 min are read with Logs Insights/);
    expect(logSourceFor(target({ ...cwLogs, insightsAbove: '6h' })).lookBack).toMatch(/windows over 360 min/);
    expect(logSourceFor(target({ ...cwLogs, insightsAbove: 'never' })).lookBack).not.toMatch(/Insights/);
    expect(() => observabilitySchema.parse({ logs: { ...cwLogs, insightsAbove: '6 hours' } })).toThrow();
  });
});
