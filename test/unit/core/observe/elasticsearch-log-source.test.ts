import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ElasticsearchLogSource } from '../../../../src/core/observe/elasticsearch-log-source.js';
import { UserError } from '../../../../src/errors.js';
import { FakeElasticsearch } from '../../../fakes/fake-elasticsearch.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
const line = (ms: number, level: string, ctx: string, msg: string) =>
  `[${stamp(ms)}] ${level} [${ctx}] ${msg} (org.example.Logger:42)`;

let es: FakeElasticsearch;
let url: string;
let offset = 0;
const put = (index: string, host: string, ms: number, message: string, extra: Record<string, unknown> = {}) =>
  es.index(index, {
    '@timestamp': new Date(ms).toISOString(),
    message,
    host: { name: host },
    log: { offset: ++offset },
    ...extra,
  });
const source = (o: Partial<ConstructorParameters<typeof ElasticsearchLogSource>[0]> = {}) =>
  new ElasticsearchLogSource({ url, pageSize: 2, utcOffsetMinutes: 0, now: () => T0 + 60_000, pollMs: 20, ...o });

beforeEach(async () => {
  es = new FakeElasticsearch();
  url = await es.listen();
  put('filebeat-2026.11.23', 'worker-1', T0 + 1000, line(T0 + 1000, 'INFO', 'payments-a|task-0', 'Starting task'));
  // A stack trace joined by the shipper's multiline setting into one document.
  put(
    'filebeat-2026.11.23',
    'worker-1',
    T0 + 2000,
    line(T0 + 2000, 'ERROR', 'payments-a|task-0', 'Task threw an uncaught exception') +
      '\njava.lang.RuntimeException: boom\n\tat x.y(Z.java:1)',
  );
  put('filebeat-2026.11.23', 'worker-2', T0 + 1500, line(T0 + 1500, 'INFO', 'payments-b|task-0', 'Starting task'));
  // Same prefix, another connector: the phrase query finds it, the MDC check drops it.
  put('filebeat-2026.11.23', 'worker-2', T0 + 1600, line(T0 + 1600, 'INFO', 'payments-a-v2|task-0', 'Starting'));
  put('filebeat-2026.11.24', 'worker-2', T0 + 3000, line(T0 + 3000, 'WARN', 'payments-a|task-1', 'Failed to flush'), {
    kafka: { connect: { connector: 'payments-a' } },
  });
  put('other-logs', 'worker-2', T0 + 3500, line(T0 + 3500, 'ERROR', 'payments-a|task-0', 'not in the pattern'));
});
afterEach(() => es.close());

describe('Elasticsearch log source (_search with search_after, against a stand-in)', () => {
  it("reads one connector's entries across pages and indices, stack traces kept, in time order", async () => {
    const got = await source().read({ connector: 'payments-a', since: T0 }, 100);
    expect(got.map((e) => [e.source, e.level, e.message])).toEqual([
      ['worker-1', 'INFO', 'Starting task'],
      ['worker-1', 'ERROR', 'Task threw an uncaught exception'],
      ['worker-2', 'WARN', 'Failed to flush'],
    ]);
    expect(got[1]!.more.join('\n')).toContain('RuntimeException: boom');
    const calls = es.calls.filter((c) => c.path === '/filebeat-*/_search');
    expect(calls.length).toBe(3); // 2 + 2 (incl. payments-a-v2) + 0, paged with search_after
    expect(calls[0]!.body).toMatchObject({
      size: 2,
      sort: [{ '@timestamp': { order: 'asc' } }, { 'log.offset': { order: 'asc', unmapped_type: 'long' } }],
      query: {
        bool: { filter: expect.arrayContaining([{ range: { '@timestamp': { gte: T0, format: 'epoch_millis' } } }]) },
      },
    });
    expect(calls[0]!.body.search_after).toBeUndefined();
    expect(calls[1]!.body.search_after).toEqual([T0 + 1600, 4]);
  });

  it('maps --since/--until and --task to the query, --level and --grep client-side; limit keeps the newest', async () => {
    const s = source();
    expect((await s.read({ connector: 'payments-a', since: T0, level: 'WARN' }, 100)).map((e) => e.level)).toEqual([
      'ERROR',
      'WARN',
    ]);
    expect((await s.read({ connector: 'payments-a', since: T0, grep: /boom/i }, 100)).length).toBe(1);
    es.calls.length = 0;
    expect((await s.read({ connector: 'payments-a', since: T0, task: 1 }, 100)).map((e) => e.source)).toEqual([
      'worker-2',
    ]);
    expect(JSON.stringify(es.calls[0]!.body)).toContain('"match_phrase":{"message":"[payments-a|task-1"}');
    expect((await s.read({ connector: 'payments-a', since: T0, until: T0 + 1500 }, 100)).length).toBe(1);
    expect((await s.read({ connector: 'payments-a', since: T0 }, 1)).map((e) => e.level)).toEqual(['WARN']);
    // Without --since: the default look-back from now.
    es.calls.length = 0;
    await s.read({ connector: 'payments-a' }, 10);
    expect(JSON.stringify(es.calls[0]!.body)).toContain(`"gte":${T0 + 60_000 - 3_600_000}`);
  });

  it('honours configured index and field names', async () => {
    es.index('connect-logs', {
      ts: T0 + 10,
      log_line: line(T0 + 10, 'INFO', 'orders|worker', 'Hello'),
      worker: 'w9',
      seq: 1,
    });
    const s = source({
      index: 'connect-logs',
      fields: { message: 'log_line', timestamp: 'ts', host: 'worker', tiebreaker: 'seq', connector: 'connector' },
    });
    expect((await s.read({ connector: 'orders', since: T0 }, 10)).map((e) => [e.source, e.message])).toEqual([
      ['w9', 'Hello'],
    ]);
  });

  it('follows new documents once each, by polling', async () => {
    const live = source({ now: Date.now });
    const seen: string[] = [];
    const ac = new AbortController();
    const done = live.follow({ connector: 'payments-c' }, (e) => seen.push(e.message), ac.signal);
    await new Promise((r) => setTimeout(r, 60));
    const now = Date.now();
    put('filebeat-live', 'worker-1', now, line(now, 'INFO', 'payments-c|task-0', 'hello'));
    put('filebeat-live', 'worker-1', now + 1, line(now + 1, 'INFO', 'payments-d|task-0', 'not mine'));
    put(
      'filebeat-live',
      'worker-2',
      now + 2,
      line(now + 2, 'ERROR', 'payments-c|task-1', 'bad') + '\n\tat a.b(C.java:2)',
    );
    for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    await done;
    expect(seen).toEqual(['hello', 'bad']);
  });

  it('sends basic auth or an API key, and explains a refused one', async () => {
    es.users = { reader: 's3cret' };
    es.apiKeys = ['a2V5OnZhbHVl'];
    await expect(
      source({ auth: { username: 'reader', password: 's3cret' } }).read({ connector: 'payments-a', since: T0 }, 10),
    ).resolves.toHaveLength(3);
    expect(es.calls.at(-1)!.authorization).toBe(`Basic ${Buffer.from('reader:s3cret').toString('base64')}`);
    await expect(
      source({ auth: { apiKey: 'a2V5OnZhbHVl' } }).read({ connector: 'payments-a', since: T0 }, 10),
    ).resolves.toHaveLength(3);
    expect(es.calls.at(-1)!.authorization).toBe('ApiKey a2V5OnZhbHVl');

    const wrong = source({ auth: { username: 'reader', password: 'nope' }, credentialRef: '${env:ES_PASSWORD}' });
    const err = await wrong.read({ connector: 'payments-a', since: T0 }, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({
      code: 'LOGS_ACCESS_DENIED',
      message: expect.stringContaining('401 security_exception'),
    });
    expect((err as UserError).hint).toContain('${env:ES_PASSWORD}');
    const none = await source()
      .read({ connector: 'x', since: T0 }, 10)
      .catch((e: unknown) => e);
    expect((none as UserError).hint).toContain('declare observability.logs.auth');

    es.forbidden.add('reader');
    const denied = await source({ auth: { username: 'reader', password: 's3cret' } })
      .read({ connector: 'x', since: T0 }, 10)
      .catch((e: unknown) => e);
    expect(denied).toMatchObject({
      code: 'LOGS_ACCESS_DENIED',
      hint: expect.stringContaining("'read' index privilege"),
    });
  });

  it('explains a missing index, a rejected query and an unreachable cluster', async () => {
    await expect(source({ index: 'nope' }).read({ connector: 'x', since: T0 }, 10)).rejects.toMatchObject({
      code: 'LOGS_NOT_FOUND',
      message: expect.stringContaining('no such index [nope]'),
    });
    // A pattern that matches nothing is not an error.
    await expect(source({ index: 'nothing-*' }).read({ connector: 'x', since: T0 }, 10)).resolves.toEqual([]);
    await expect(source({ pageSize: 20_000 }).read({ connector: 'x', since: T0 }, 10)).rejects.toMatchObject({
      code: 'LOGS_QUERY_FAILED',
      message: expect.stringContaining('illegal_argument_exception'),
    });
    await es.close();
    await expect(source({ url: 'http://127.0.0.1:9' }).read({ connector: 'x', since: T0 }, 10)).rejects.toMatchObject({
      code: 'LOGS_UNREACHABLE',
    });
  });

  it('asks again while a new index has no active shard (503), then explains it', async () => {
    es.unavailable.set('filebeat-*', 2);
    const s = source({ retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 5 } });
    expect((await s.read({ connector: 'payments-a', since: T0 }, 100)).length).toBe(3);
    expect(es.calls.filter((c) => c.path === '/filebeat-*/_search').length).toBe(2 + 3);
    es.unavailable.set('filebeat-*', 4);
    es.calls.length = 0;
    await expect(s.read({ connector: 'payments-a', since: T0 }, 100)).rejects.toMatchObject({
      code: 'LOGS_QUERY_FAILED',
      message: expect.stringContaining('503 search_phase_execution_exception'),
      hint: expect.stringContaining('_cluster/health/filebeat-*'),
    });
    expect(es.calls.length).toBe(4);
  });
});
