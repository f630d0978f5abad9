import { UserError } from '../../errors.js';
import { httpJson, type HttpResponse } from '../http.js';
import { sleep } from '../retry.js';
import { cloudMessage, unreachable } from './errors.js';

/**
 * Confluent Cloud Metrics API v2 (`POST /v2/metrics/cloud/query`, basic auth with the Cloud API key): one
 * aggregation per request, the `cloud` dataset filtered on `resource.connector.id`. Data lags about 5 minutes.
 */
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
  constructor(private readonly opts: CloudMetricsOptions) {}

  /** SUM of `metric` for the connector (lcc- id) over the interval `[start, start + duration)`; 0 when no data. */
  async sum(metric: string, connectorId: string, start: Date, duration = 'PT1H'): Promise<number> {
    const body = {
      aggregations: [{ metric, agg: 'SUM' }],
      filter: { field: 'resource.connector.id', op: 'EQ', value: connectorId },
      granularity: 'ALL',
      intervals: [`${start.toISOString().replace(/\.\d{3}Z$/, 'Z')}/${duration}`],
    };
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse<{ data?: { value?: number }[] }>;
      try {
        res = await httpJson(`${this.opts.endpoint.replace(/\/+$/, '')}/v2/metrics/cloud/query`, {
          method: 'POST',
          body,
          auth: { username: this.opts.apiKey, password: this.opts.apiSecret },
          timeoutMs: this.opts.timeoutMs ?? 15_000,
        });
      } catch (e) {
        throw unreachable(this.opts.endpoint, e);
      }
      if (res.status === 200) return (res.body.data ?? []).reduce((n, p) => n + (p.value ?? 0), 0);
      const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '5', 10);
      if (res.status === 429 && attempt < 3 && retryAfter <= 60) {
        await (this.opts.sleep ?? sleep)(retryAfter * 1000);
        continue;
      }
      throw new UserError(
        'CCLOUD_METRICS',
        `The Confluent Cloud Metrics API answered ${res.status}: ${cloudMessage(res.body)}`,
        {
          hint:
            res.status === 401 || res.status === 403
              ? 'It takes a Cloud API key whose principal may read the connector metrics (MetricsViewer or ConnectManager).'
              : 'Its global limit is 60 requests a minute: try again shortly.',
        },
      );
    }
  }
}

export function metricsEndpoint(apiEndpoint: string): string {
  const base = apiEndpoint.replace(/\/+$/, '');
  return new URL(base).hostname === 'api.confluent.cloud' ? 'https://api.telemetry.confluent.cloud' : base;
}
