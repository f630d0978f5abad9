import type { FakeConfluentCloud } from './server.js';

/** The Metrics API v2 query of the stand-in (SPEC.md, "Metrics API v2"). */

/** Metrics API v2 query on the `cloud` dataset: one SUM aggregation filtered on resource.connector.id. */
export function metricsQuery(
  cloud: FakeConfluentCloud,
  method: string,
  url: URL,
  body: unknown,
  authorization: string | undefined,
  answer: (status: number, payload?: unknown, headers?: Record<string, string>) => void,
  ip: string,
): void {
  // "A global rate limit of 60 requests per IP address, per minute" (metrics-v2 document, Rate Limiting).
  const now = cloud.now();
  const recent = (cloud.metricQueries.get(ip) ?? []).filter((t) => now - t < 60_000);
  cloud.metricQueries.set(ip, recent);
  if (recent.length >= cloud.metricsPerMinute) {
    const retry = String(Math.max(1, Math.ceil((60_000 - (now - recent[0]!)) / 1000)));
    return answer(429, undefined, { 'Retry-After': retry });
  }
  recent.push(now);
  const expected = 'Basic ' + Buffer.from(`${cloud.apiKey}:${cloud.apiSecret}`).toString('base64');
  if (authorization !== expected) return answer(401, { errors: [{ status: '401', detail: 'Unauthorized' }] });
  if (method !== 'POST' || url.pathname !== '/v2/metrics/cloud/query')
    return answer(404, { errors: [{ status: '404', detail: 'Not Found' }] });
  const b = (body ?? {}) as {
    aggregations?: { metric: string }[];
    filter?: { field?: string; value?: string };
    intervals?: string[];
  };
  if (b.filter?.field !== 'resource.connector.id') {
    return answer(403, {
      errors: [{ status: '403', detail: 'The cloud dataset requires a resource filter (e.g. resource.connector.id).' }],
    });
  }
  const key = `${b.filter.value}|${b.aggregations?.[0]?.metric}`;
  const [start = '', duration = 'PT1H'] = (b.intervals?.[0] ?? '').split('/');
  const from = Date.parse(start);
  const to = from + isoMinutes(duration) * 60_000;
  const points = cloud.metricPoints.get(key);
  // Points land `metricsLagMs` late: a query over the last minutes does not see them yet.
  const value = points
    ? points
        .filter((p) => p.at >= from && p.at < to && p.at <= now - cloud.metricsLagMs)
        .reduce((n, p) => n + p.value, 0)
    : cloud.metrics.get(key);
  answer(200, { data: value === undefined ? [] : [{ timestamp: start, value }] });
}

/** Minutes in an ISO-8601 duration of hours and minutes (`PT1H`, `PT90M`, `PT1H30M`), as query intervals use. */
function isoMinutes(d: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(d);
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : 60;
}
