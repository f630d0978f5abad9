import { afterEach, describe, expect, it } from 'vitest';
import { CloudLogsClient, logsEndpoints } from '../../../../src/connect/confluent-cloud/logs.js';
import { ConfluentCloudLogSource } from '../../../../src/core/observe/cloud-log-source.js';
import type { FakeConfluentCloud, FakeLogRecord } from '../../../fakes/confluent-cloud/server.js';
import { cloudSetup, S3_SINK } from './helpers.js';

let cloud: FakeConfluentCloud | undefined;
afterEach(async () => cloud?.stop());

async function setup(perMinute = 5) {
  const s = await cloudSetup({ provisioningReads: 0 });
  cloud = s.cloud;
  await s.cluster.create('orders-s3', S3_SINK);
  const sleeps: number[] = [];
  const logs = new CloudLogsClient({
    ...logsEndpoints(s.cloud.url),
    apiKey: s.cloud.apiKey,
    apiSecret: s.cloud.apiSecret,
    perMinute,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { ...s, source: new ConfluentCloudLogSource(s.cluster, logs), sleeps };
}

function seed(c: FakeConfluentCloud, n: number, level: FakeLogRecord['level'], startMsAgo: number) {
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    c.addLog('orders-s3', {
      timestamp: new Date(now - startMsAgo + i * 1000).toISOString(),
      level,
      message: `${level.toLowerCase()} ${i}`,
      task_id: `task-${i % 2}`,
      ...(level === 'ERROR'
        ? { exception: { stacktrace: 'org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.y(X.java:1)' } }
        : {}),
    });
  }
}

describe('Confluent Cloud logs through `connect logs`', () => {
  it('exchanges the key for a token, pages newest first, and returns the newest entries oldest first', async () => {
    const s = await setup();
    seed(s.cloud, 300, 'ERROR', 3_600_000);
    seed(s.cloud, 150, 'INFO', 1_800_000);
    const entries = await s.source.read({ connector: 'orders-s3', level: 'ERROR' }, 250);
    expect(entries).toHaveLength(250);
    expect(entries.at(-1)?.message).toBe('error 299');
    expect(entries[0]?.message).toBe('error 50');
    expect(entries.every((e, i) => i === 0 || (e.time ?? 0) >= (entries[i - 1]!.time ?? 0))).toBe(true);
    expect(entries.at(-1)).toMatchObject({
      level: 'ERROR',
      context: { connector: 'orders-s3', scope: 'task', task: 1 },
      more: ['org.apache.kafka.connect.errors.ConnectException: boom', '\tat X.y(X.java:1)'],
    });
    const searches = s.cloud.exchanges.filter((x) => x.url.startsWith('/logs/v1/search'));
    expect(searches).toHaveLength(2);
    expect(searches[0]?.requestHeaders.authorization).toBe('Bearer dp-1');
    expect(searches[0]?.requestBody).toMatchObject({
      crn: expect.stringMatching(/\/connector=orders-s3$/),
      search: { level: ['ERROR'] },
      sort: 'desc',
      start_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(s.violations).toEqual([]);
  });

  it('never looks back further than 72 h, and filters by task and text', async () => {
    const s = await setup();
    seed(s.cloud, 10, 'WARN', 600_000);
    const entries = await s.source.read(
      { connector: 'orders-s3', since: Date.now() - 100 * 3_600_000, task: 0, grep: /warn [0-4]$/ },
      100,
    );
    expect(entries.map((e) => e.message)).toEqual(['warn 0', 'warn 2', 'warn 4']);
    const body = s.cloud.exchanges.find((x) => x.url.startsWith('/logs/v1/search'))?.requestBody as {
      start_time: string;
      search: { search_text?: string };
    };
    expect(Date.now() - Date.parse(body.start_time)).toBeLessThanOrEqual(72 * 3_600_000 + 2_000);
    expect(body.search.search_text).toBe('warn [0-4]$');
    expect(s.violations).toEqual([]);
  });

  it('keeps under the per-connector rate limit itself, and gives up on a persistent 429', async () => {
    const s = await setup(2);
    seed(s.cloud, 500, 'INFO', 3_600_000);
    expect(await s.source.read({ connector: 'orders-s3' }, 500)).toHaveLength(500);
    expect(s.sleeps).toHaveLength(1);
    expect(s.sleeps[0]).toBeGreaterThan(50_000);
    expect(s.cloud.exchanges.filter((x) => x.status === 429)).toHaveLength(0);
    await s.cloud.stop();

    const t = await setup(5);
    seed(t.cloud, 500, 'INFO', 3_600_000);
    t.cloud.logsPerMinute = 1;
    await expect(t.source.read({ connector: 'orders-s3' }, 500)).rejects.toMatchObject({
      code: 'CCLOUD_LOGS_RATE_LIMITED',
    });
    expect(t.cloud.exchanges.filter((x) => x.status === 429)).toHaveLength(4); // the first try and three retries, each after the Retry-After
  });

  it('searches as the Confluent CLI does: the lcc- id as search.id, levels among INFO/WARN/ERROR only (issue 21 item 9)', async () => {
    const s = await setup();
    seed(s.cloud, 3, 'INFO', 600_000);
    seed(s.cloud, 2, 'ERROR', 300_000);
    // --level DEBUG asks for everything Cloud has: INFO and up, never DEBUG or TRACE (the stand-in answers those 400).
    const entries = await s.source.read({ connector: 'orders-s3', level: 'DEBUG' }, 100);
    expect(entries).toHaveLength(5);
    const id = await s.cluster.connectorId('orders-s3');
    const body = s.cloud.exchanges.find((x) => x.url.startsWith('/logs/v1/search'))?.requestBody as {
      crn: string;
      search: { id?: string; level?: string[] };
    };
    expect(body.search).toEqual({ id, level: ['INFO', 'WARN', 'ERROR'] });
    expect(s.violations).toEqual([]);

    // The stand-in holds a client to it: no id, or a finer level, is refused.
    const token = (
      (await (
        await fetch(`${s.cloud.url}/api/access_tokens`, {
          method: 'POST',
          headers: {
            authorization: 'Basic ' + Buffer.from(`${s.cloud.apiKey}:${s.cloud.apiSecret}`).toString('base64'),
          },
          body: '{}',
        })
      ).json()) as { token: string }
    ).token;
    const search = (search: unknown) =>
      fetch(`${s.cloud.url}/logs/v1/search?page_size=10`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          crn: body.crn,
          search,
          sort: 'desc',
          start_time: '2020-01-01T00:00:00Z',
          end_time: '2099-01-01T00:00:00Z',
        }),
      }).then((r) => r.status);
    expect(await search({ level: ['INFO'] })).toBe(400);
    expect(await search({ level: ['DEBUG'], id })).toBe(400);
    expect(await search({ level: ['INFO'], id: 'lcc-other' })).toBe(400);
    expect(await search({ level: ['INFO'], id })).toBe(200);
  });

  it('says so when the connector does not exist', async () => {
    const s = await setup();
    await expect(s.source.read({ connector: 'ghost' }, 10)).rejects.toMatchObject({ code: 'CCLOUD_LOGS_NO_CONNECTOR' });
  });
});
