import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchLogSource } from '../../../../src/core/observe/cloudwatch-log-source.js';
import { FakeCloudWatchLogs } from '../../../fakes/fake-cloudwatch-logs.js';

const GROUP = '/kafka-connect/prod';
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
const line = (ms: number, level: string, ctx: string, msg: string) =>
  `[${stamp(ms)}] ${level} [${ctx}] ${msg} (org.example.Logger:42)`;

let cw: FakeCloudWatchLogs;
let source: CloudWatchLogSource;
const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };

beforeEach(async () => {
  cw = new FakeCloudWatchLogs(2);
  const endpoint = await cw.listen();
  source = new CloudWatchLogSource({
    region: 'eu-west-1',
    logGroup: GROUP,
    logStreamPrefix: 'worker-',
    endpoint,
    credentials,
    utcOffsetMinutes: 0,
    now: () => T0 + 60_000,
    pollMs: 20,
  });
  cw.put(GROUP, 'worker-1', T0 + 1000, line(T0 + 1000, 'INFO', 'payments-a|task-0', 'Starting task'));
  // A stack trace shipped as one multi-line event.
  cw.put(
    GROUP,
    'worker-1',
    T0 + 2000,
    line(T0 + 2000, 'ERROR', 'payments-a|task-0', 'Task threw an uncaught exception') +
      '\njava.lang.RuntimeException: boom\n\tat x.y(Z.java:1)',
  );
  cw.put(GROUP, 'worker-2', T0 + 1500, line(T0 + 1500, 'INFO', 'payments-b|task-0', 'Starting task'));
  // A stack trace shipped line by line.
  cw.put(GROUP, 'worker-2', T0 + 3000, line(T0 + 3000, 'ERROR', 'payments-a|task-1', 'Failed to flush'));
  cw.put(GROUP, 'worker-2', T0 + 3000, 'org.apache.kafka.connect.errors.ConnectException: flush');
  cw.put(GROUP, 'other-stream', T0 + 3500, line(T0 + 3500, 'ERROR', 'payments-a|task-0', 'not a worker stream'));
});
afterEach(() => cw.close());

describe('CloudWatch Logs source (FilterLogEvents through the real SDK client)', () => {
  it("reads one connector's entries across pages and streams, stack traces kept, in time order", async () => {
    const got = await source.read({ connector: 'payments-a', since: T0 }, 100);
    expect(got.map((e) => [e.source, e.level, e.message])).toEqual([
      ['worker-1', 'INFO', expect.stringContaining('Starting task')],
      ['worker-1', 'ERROR', expect.stringContaining('uncaught exception')],
      ['worker-2', 'ERROR', expect.stringContaining('Failed to flush')],
    ]);
    expect(got[1]!.more.join('\n')).toContain('RuntimeException: boom');
    expect(got[2]!.more.join('\n')).toContain('ConnectException: flush');
    const calls = cw.calls.filter((c) => c.target === 'Logs_20140328.FilterLogEvents');
    expect(calls.length).toBeGreaterThan(1); // paged with nextToken
    expect(calls[0]!.body).toMatchObject({ logGroupName: GROUP, logStreamNamePrefix: 'worker-', startTime: T0 });
  });

  it('applies level, task and --until; limit keeps the newest', async () => {
    expect((await source.read({ connector: 'payments-a', since: T0, level: 'ERROR' }, 100)).length).toBe(2);
    expect((await source.read({ connector: 'payments-a', since: T0, task: 1 }, 100)).map((e) => e.source)).toEqual([
      'worker-2',
    ]);
    expect((await source.read({ connector: 'payments-a', since: T0, until: T0 + 1500 }, 100)).length).toBe(1);
    expect((await source.read({ connector: 'payments-a', since: T0 }, 1)).map((e) => e.level)).toEqual(['ERROR']);
  });

  it('follows new events once each', async () => {
    const live = new CloudWatchLogSource({
      region: 'eu-west-1',
      logGroup: GROUP,
      endpoint: (source as unknown as { o: { endpoint: string } }).o.endpoint,
      credentials,
      utcOffsetMinutes: 0,
      pollMs: 20,
    });
    const seen: string[] = [];
    const ac = new AbortController();
    const done = live.follow({ connector: 'payments-c' }, (e) => seen.push(e.message), ac.signal);
    await new Promise((r) => setTimeout(r, 100));
    const now = Date.now();
    cw.put(GROUP, 'worker-1', now, line(now, 'INFO', 'payments-c|task-0', 'hello'));
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    await done;
    expect(seen).toEqual([expect.stringContaining('hello')]);
  });

  it('explains an unknown log group', async () => {
    const wrong = new CloudWatchLogSource({
      region: 'eu-west-1',
      logGroup: '/nope',
      endpoint: (source as unknown as { o: { endpoint: string } }).o.endpoint,
      credentials,
    });
    await expect(wrong.read({ connector: 'x', since: T0 }, 10)).rejects.toThrow(/no log group '\/nope'/);
  });
});
