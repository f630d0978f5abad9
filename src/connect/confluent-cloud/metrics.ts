import { z } from 'zod';
import { UserError } from '../../errors.js';
import { basicAuthHeader } from '../http.js';
import { DEFAULT_SERVER_RETRY, exchange, sleep, Unreachable } from '../http/policy.js';
import { lenientBody, parseBody } from '../http/response.js';
import { HttpTransport, type RawResponse } from '../http/transport.js';
import { cloudMessage, unreachable } from './errors.js';

const querySchema = z.looseObject({ data: z.array(z.looseObject({ value: z.number().optional() })) });

/**
 * Confluent Cloud Metrics API v2 (`POST /v2/metrics/cloud/query`, basic auth with the Cloud API key): one
 * aggregation per request, the `cloud` dataset filtered on `resource.connector.id`. Data lags about 5 minutes.
 */
/** How far behind the Metrics API's data is (its document: "about 5 minutes"); windows end this long ago. */
export const METRICS_LAG_MS = 5 * 60_000;
export interface CloudMetricsOptions {
  /** https://api.telemetry.confluent.cloud (the same endpoint as the Connect API for stand-ins). */
  endpoint: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const CONNECTOR_METRICS = {
  sentRecords: 'io.confluent.kafka.connect/sent_records',
  receivedRecords: 'io.confluent.kafka.connect/received_records',
  dlqRecords: 'io.confluent.kafka.connect/dead_letter_queue_records',
} as const;

export class CloudMetricsClient {
  private readonly transport: HttpTransport;
  constructor(private readonly opts: CloudMetricsOptions) {
    this.transport = new HttpTransport({ timeoutMs: opts.timeoutMs });
  }

  /** Requests sent, retries included (tests). */
  requestCount = 0;

  /** Total of `metric` for the connector (lcc- id) over the interval `[start, start + duration)`; 0 when no data. */
  async sum(metric: string, connectorId: string, start: Date, duration = 'PT1H'): Promise<number> {
    const body = {
      // No `agg`: the API document asks clients to omit it so each metric gets its own aggregation (SUM for the
      // connector record counters); a hard-coded agg is refused for metrics aggregated otherwise.
      aggregations: [{ metric }],
      filter: { field: 'resource.connector.id', op: 'EQ', value: connectorId },
      granularity: 'ALL',
      intervals: [`${start.toISOString().replace(/\.\d{3}Z$/, 'Z')}/${duration}`],
    };
    const url = `${this.opts.endpoint.replace(/\/+$/, '')}/v2/metrics/cloud/query`;
    let res: RawResponse;
    try {
      // A query changes nothing: it may be repeated like a read. 429: the API allows 60 requests a minute per IP
      // address (every kcops on the machine, and any dashboard behind the same NAT, share it), so a refusal waits the
      // Retry-After it names, up to a minute, and tries again (at most 4 times in all).
      ({ res } = await exchange(
        {
          transport: this.transport,
          bases: [url],
          policy: { server: DEFAULT_SERVER_RETRY, rateLimit: { attempts: 4, maxRetryAfterSeconds: 60 } },
          wait: this.opts.sleep ?? sleep,
          onAttempt: () => this.requestCount++,
        },
        {
          method: 'POST',
          path: '',
          body,
          idempotent: true,
          headers: { authorization: basicAuthHeader({ username: this.opts.apiKey, password: this.opts.apiSecret }) },
        },
      ));
    } catch (e) {
      if (e instanceof Unreachable) throw unreachable(this.opts.endpoint, e);
      throw e;
    }
    if (res.status === 200) {
      const q = parseBody(res, querySchema, { method: 'POST', url, service: 'The Confluent Cloud Metrics API' });
      return q.data.reduce((n, p) => n + (p.value ?? 0), 0);
    }
    throw new UserError(
      'CCLOUD_METRICS',
      `The Confluent Cloud Metrics API answered ${res.status}: ${cloudMessage(lenientBody(res))}`,
      {
        hint:
          res.status === 401 || res.status === 403
            ? 'It takes a Cloud API key whose principal may read the connector metrics (MetricsViewer or ConnectManager).'
            : res.status === 429
              ? 'The Metrics API allows 60 requests a minute per IP address, shared by everything querying it from this address: try again in a minute.'
              : 'Try again shortly.',
      },
    );
  }

  /** Releases the pooled connections. */
  close(): void {
    this.transport.close();
  }
}

export function metricsEndpoint(apiEndpoint: string): string {
  const base = apiEndpoint.replace(/\/+$/, '');
  return new URL(base).hostname === 'api.confluent.cloud' ? 'https://api.telemetry.confluent.cloud' : base;
}
