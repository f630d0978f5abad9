import { afterEach, describe, expect, it } from 'vitest';
import { CloudMetricsClient, CONNECTOR_METRICS } from '../../../../src/connect/confluent-cloud/metrics.js';
import { cloudConnectorMetrics } from '../../../../src/core/observe/cloud-metrics.js';
import type { FakeConfluentCloud } from '../../../fakes/confluent-cloud/server.js';
import { cloudSetup, S3_SINK } from './helpers.js';

let cloud: FakeConfluentCloud | undefined;
afterEach(async () => cloud?.stop());

/** The stand-in and the client on one simulated clock: the client's waits move it. */
async function setup() {
  let now = Date.parse('2026-03-01T12:00:30Z');
  const s = await cloudSetup({ provisioningReads: 0, clock: () => now });
  cloud = s.cloud;
  await s.cluster.create('orders-s3', S3_SINK);
  const waits: number[] = [];
  const metrics = new CloudMetricsClient({
    endpoint: s.cloud.url,
    apiKey: s.cloud.apiKey,
    apiSecret: s.cloud.apiSecret,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  return { ...s, metrics, waits, now: () => now };
}

describe('Confluent Cloud Metrics API (issue 21 item 9)', () => {
  it('sums the complete hour that ends where the 5-minute-late data does, sends no agg, and says so', async () => {
    const s = await setup();
    // 100 records a minute for the last 2 hours, and the last minutes too (not published yet by the API).
    for (let m = 0; m < 120; m++)
      s.cloud.addMetricPoint('orders-s3', CONNECTOR_METRICS.receivedRecords, s.now() - 30_000 - m * 60_000, 100);
    // (An empty `data` matches both response shapes of the document's oneOf: every metric asked has a point here.)
    s.cloud.addMetricPoint('orders-s3', CONNECTOR_METRICS.dlqRecords, s.now() - 3_000_000, 2);
    const r = await cloudConnectorMetrics(s.cluster, s.metrics, 'orders-s3', 'sink', s.now());
    // An hour of whole minutes: 60 x 100, whereas the hour ending now would have counted only ~55 minutes.
    expect(r.metrics.totals.sink?.read).toBe(6000);
    expect(r.metrics.totals.errors.dlqProduceRequests).toBe(2);
    expect(r.window).toEqual({ from: '2026-03-01T10:55:00.000Z', to: '2026-03-01T11:55:00.000Z', lagMs: 330_000 });
    expect(r.notes.join('\n')).toMatch(/about 5 minutes behind/);
    const queries = s.cloud.exchanges.filter((x) => x.url === '/v2/metrics/cloud/query');
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries)
      expect((q.requestBody as { aggregations: Record<string, unknown>[] }).aggregations).toEqual([
        { metric: expect.any(String) },
      ]);
    expect(s.violations).toEqual([]);
  });

  it('copes with the 60 requests a minute per IP address: waits the Retry-After and carries on', async () => {
    const s = await setup();
    s.cloud.setMetric('orders-s3', CONNECTOR_METRICS.receivedRecords, 42);
    const id = (await s.cluster.connectorId('orders-s3'))!;
    const start = new Date(s.now() - 3_600_000);
    const answers: number[] = [];
    for (let i = 0; i < 61; i++) answers.push(await s.metrics.sum(CONNECTOR_METRICS.receivedRecords, id, start));
    expect(answers.every((n) => n === 42)).toBe(true);
    expect(s.cloud.exchanges.filter((x) => x.status === 429)).toHaveLength(1);
    expect(s.waits).toEqual([60_000]);
    expect(s.violations).toEqual([]);

    // Refused for longer than the client will wait: an error that names the limit.
    s.cloud.metricsPerMinute = 0;
    await expect(s.metrics.sum(CONNECTOR_METRICS.receivedRecords, id, start)).rejects.toMatchObject({
      code: 'CCLOUD_METRICS',
      hint: expect.stringMatching(/60 requests a minute per IP address/),
    });
  });
});
