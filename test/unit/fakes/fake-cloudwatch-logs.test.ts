import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  MalformedQueryException,
  StartQueryCommand,
  StopQueryCommand,
  type StartQueryRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeCloudWatchLogs } from '../../fakes/fake-cloudwatch-logs.js';

const G = '/app';
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
let cw: FakeCloudWatchLogs;
let client: CloudWatchLogsClient;

beforeEach(async () => {
  cw = new FakeCloudWatchLogs();
  client = new CloudWatchLogsClient({
    region: 'eu-west-1',
    endpoint: await cw.listen(),
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  cw.put(G, 's1', T0 + 1000, 'alpha ERROR one');
  cw.put(G, 's2', T0 + 2000, 'beta /path/ two');
  cw.put(G, 's1', T0 + 3000, 'Alpha three');
  cw.put(G, 's1', T0 + 9_000_000, 'late');
});
afterEach(() => cw.close());

const window = { startTime: T0 / 1000, endTime: T0 / 1000 + 60 };

/** Starts a query and polls it to its end; returns rows as objects and every status seen. */
async function run(input: Omit<StartQueryRequest, 'startTime' | 'endTime'> & Partial<StartQueryRequest>) {
  const { queryId } = await client.send(new StartQueryCommand({ logGroupName: G, ...window, ...input }));
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await client.send(new GetQueryResultsCommand({ queryId }));
    seen.push(r.status!);
    if (r.status !== 'Running' && r.status !== 'Scheduled') {
      const rows = (r.results ?? []).map((row) => Object.fromEntries(row.map((f) => [f.field, f.value])));
      return { rows, seen, statistics: r.statistics, queryId };
    }
  }
  throw new Error('never completed');
}

describe('FakeCloudWatchLogs: Logs Insights (through the real SDK client)', () => {
  it('runs fields / filter / sort / limit over the window, through Running, with @ptr and statistics', async () => {
    const r = await run({
      queryString: 'fields @timestamp, @message, @logStream | filter @message like /(?i)alpha/ | sort @timestamp desc',
    });
    expect(r.seen).toEqual(['Running', 'Running', 'Complete']);
    expect(r.rows).toEqual([
      {
        '@timestamp': '2026-01-05 12:00:03.000',
        '@message': 'Alpha three',
        '@logStream': 's1',
        '@ptr': expect.any(String),
      },
      {
        '@timestamp': '2026-01-05 12:00:01.000',
        '@message': 'alpha ERROR one',
        '@logStream': 's1',
        '@ptr': expect.any(String),
      },
    ]);
    // The event 2.5 h later is outside the window; bytes are those of the three events in it.
    expect(r.statistics).toEqual({ recordsMatched: 2, recordsScanned: 3, bytesScanned: 15 + 15 + 11 });
  });

  it('evaluates and, or, not, quoted strings, escaped slashes and limit', async () => {
    const q = async (queryString: string) => (await run({ queryString })).rows.map((x) => x['@message']);
    expect(await q('filter @message like "ERROR" or @message like /\\/path\\//')).toEqual([
      'alpha ERROR one',
      'beta /path/ two',
    ]);
    expect(await q('filter @message like /a/ and not (@message like "ERROR") | sort @timestamp asc')).toEqual([
      'beta /path/ two',
      'Alpha three',
    ]);
    expect(await q('filter @message not like /alpha/ | limit 1')).toEqual(['beta /path/ two']);
    expect(await q('filter @logStream like /^s2$/')).toEqual(['beta /path/ two']);
    // `like "..."` is a case-sensitive substring; a regex is case-sensitive unless it starts with (?i).
    expect(await q('filter @message like "alpha"')).toEqual(['alpha ERROR one']);
  });

  it('rejects commands and operators it does not know as MalformedQueryException with a location', async () => {
    const err = await client
      .send(
        new StartQueryCommand({ logGroupName: G, ...window, queryString: 'fields @message | stats count(@message)' }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedQueryException);
    expect((err as MalformedQueryException).queryCompileError).toEqual({
      location: { startCharOffset: 18, endCharOffset: 23 },
      message: expect.stringMatching(/unknown command 'stats'/),
    });
    for (const queryString of ['filter @message = "x"', 'filter @message like /(/', 'limit 10001', 'filter x like /a'])
      await expect(
        client.send(new StartQueryCommand({ logGroupName: G, ...window, queryString })),
      ).rejects.toBeInstanceOf(MalformedQueryException);
  });

  it('validates the request: seconds not milliseconds, one way to name the groups, an existing group', async () => {
    const start = (i: Partial<StartQueryRequest>) =>
      client.send(new StartQueryCommand({ logGroupName: G, ...window, queryString: 'fields @message', ...i }));
    await expect(start({ startTime: T0, endTime: T0 + 60_000 })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/not in epoch seconds/),
    });
    await expect(start({ startTime: 1.5 })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(start({ endTime: window.startTime - 1 })).rejects.toThrow(/End time cannot be less than start time/);
    await expect(start({ logGroupNames: [G] })).rejects.toThrow(/Exactly one of logGroupName/);
    await expect(start({ logGroupName: '/nope' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(start({ queryString: '' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(client.send(new GetQueryResultsCommand({ queryId: 'no-such-query' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('pages a complete result with nextToken, and StopQuery cancels only a running query', async () => {
    cw.insights.pageSize = 2;
    const { queryId } = await run({ queryString: 'fields @message | sort @timestamp asc' });
    const first = await client.send(new GetQueryResultsCommand({ queryId }));
    expect(first.results).toHaveLength(2);
    const second = await client.send(new GetQueryResultsCommand({ queryId, nextToken: first.nextToken! }));
    expect(second.results!.map((r) => r[0]!.value)).toEqual(['Alpha three']);
    expect(second.nextToken).toBeUndefined();
    expect(await client.send(new StopQueryCommand({ queryId }))).toMatchObject({ success: false });

    cw.insights.neverComplete = true;
    const running = await client.send(
      new StartQueryCommand({ logGroupName: G, ...window, queryString: 'fields @message' }),
    );
    expect(await client.send(new StopQueryCommand({ queryId: running.queryId! }))).toMatchObject({ success: true });
    expect((await client.send(new GetQueryResultsCommand({ queryId: running.queryId! }))).status).toBe('Cancelled');
  });
});
