import { UserError } from '../../errors.js';
import { HttpTransport, TransportError, describeTransportError } from '../../connect/http/transport.js';
import { parsePrometheusText } from './prometheus.js';
import type { Scrape } from './connector-metrics.js';

/**
 * Scrapes every worker's /metrics. A worker that does not answer is reported in `failed` rather than failing the
 * command (its tasks are simply missing); all of them failing is an error.
 */
export async function scrapeAll(
  urls: string[],
  timeoutMs = 5000,
): Promise<{ scrapes: Scrape[]; failed: { url: string; error: string }[] }> {
  // One attempt per worker and round: a scrape is a snapshot, and the next round (or command) asks again.
  const transport = new HttpTransport({ timeoutMs });
  const results = await Promise.all(
    urls.map(async (url) => {
      try {
        const res = await transport.send({ method: 'GET', url: new URL(url), headers: { accept: 'text/plain' } });
        if (res.status < 200 || res.status >= 300) return { url, error: `HTTP ${res.status}` };
        return { url, scrape: { instance: new URL(url).host, samples: parsePrometheusText(res.text).samples } };
      } catch (e) {
        return {
          url,
          error: e instanceof TransportError ? describeTransportError(e) : e instanceof Error ? e.message : String(e),
        };
      }
    }),
  ).finally(() => transport.close());
  const scrapes = results.flatMap((r) => (r.scrape ? [r.scrape] : []));
  const failed = results.flatMap((r) => (r.error !== undefined ? [{ url: r.url, error: r.error }] : []));
  if (scrapes.length === 0 && urls.length > 0) {
    throw new UserError(
      'METRICS_UNREACHABLE',
      `No metrics endpoint answered: ${failed.map((f) => `${f.url} (${f.error})`).join(', ')}.`,
      {
        hint: 'Check that the workers run with the Prometheus JMX exporter agent and that observability.metrics.prometheusUrls lists its /metrics URLs.',
      },
    );
  }
  return { scrapes, failed };
}
