import { UserError } from '../../errors.js';
import { httpJson, type HttpResponse } from '../http.js';
import { sleep } from '../retry.js';
import { cloudMessage, unreachable } from './errors.js';

/**
 * Kafka REST v3 on a Confluent Cloud cluster's own endpoint (https://pkc-….confluent.cloud), with the Kafka cluster
 * API key (a Cloud API key is refused there): the topics and ACLs the online validation checks, and the records of
 * the audit topic (`audit.topic`).
 */
export interface KafkaRestOptions {
  restEndpoint: string;
  kafkaClusterId: string;
  apiKey: string;
  apiSecret: string;
  credentialRef?: string;
  timeoutMs?: number;
  /** 429: attempts including the first; Retry-After (seconds) honoured up to 60 s. */
  rateLimitAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface KafkaRestAcl {
  resourceType: string;
  resourceName: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permission: string;
}

export class CloudKafkaRest {
  private readonly base: string;
  constructor(private readonly opts: KafkaRestOptions) {
    this.base = `${opts.restEndpoint.replace(/\/+$/, '')}/kafka/v3/clusters/${encodeURIComponent(opts.kafkaClusterId)}`;
  }

  describe(): string {
    return `Kafka REST at ${this.opts.restEndpoint} (${this.opts.kafkaClusterId})`;
  }

  async topics(): Promise<Set<string>> {
    const body = await this.get<{ data?: { topic_name: string }[] }>('/topics');
    return new Set((body.data ?? []).map((t) => t.topic_name));
  }

  async acls(principal: string): Promise<KafkaRestAcl[]> {
    const body = await this.get<{ data?: Record<string, string>[] }>(
      `/acls?principal=${encodeURIComponent(principal)}`,
    );
    return (body.data ?? []).map((a) => ({
      resourceType: a.resource_type ?? '',
      resourceName: a.resource_name ?? '',
      patternType: a.pattern_type ?? '',
      principal: a.principal ?? '',
      host: a.host ?? '*',
      operation: a.operation ?? '',
      permission: a.permission ?? '',
    }));
  }

  /**
   * Produces records to a topic, one request each so they land in order (Kafka REST v3 `POST …/topics/{topic}/records`,
   * non-streaming). Key and value go as STRING, so the topic holds exactly the given text; headers are base64 as the
   * API wants. A delivery report with an error_code other than 200 is a failure like an HTTP error.
   */
  async produce(
    topic: string,
    records: readonly { key: string; value: string; headers: Record<string, string> }[],
  ): Promise<void> {
    const path = `/topics/${encodeURIComponent(topic)}/records`;
    for (const r of records) {
      const res = await this.call<{ error_code?: number; message?: string }>('POST', path, {
        key: { type: 'STRING', data: r.key },
        value: { type: 'STRING', data: r.value },
        headers: Object.entries(r.headers).map(([name, v]) => ({
          name,
          value: Buffer.from(v, 'utf8').toString('base64'),
        })),
      });
      const code = typeof res.body === 'object' && res.body ? res.body.error_code : undefined;
      if (res.status === 200 && (code === undefined || code === 200)) continue;
      throw this.produceError(topic, res.status, code, cloudMessage(res.body));
    }
  }

  private produceError(topic: string, status: number, code: number | undefined, message: string): UserError {
    const cluster = this.opts.kafkaClusterId;
    if (status === 401) return this.unauthorized();
    if (status === 403 || code === 40301) {
      return new UserError(
        'CCLOUD_TOPIC_DENIED',
        `Key ${this.opts.apiKey} may not write to topic ${topic} on ${cluster} (403).`,
        {
          hint: `Give the key's service account WRITE on the topic: \`confluent kafka acl create --allow --service-account <sa-id> --operations write --topic ${topic} --cluster ${cluster}\`.`,
        },
      );
    }
    if (code === 40403) {
      return new UserError('CCLOUD_TOPIC_MISSING', `Topic ${topic} does not exist on ${cluster}.`, {
        hint: `kcops does not create it: \`confluent kafka topic create ${topic} --cluster ${cluster} --partitions 1 --config retention.ms=-1\` (one partition keeps the chain in one order).`,
      });
    }
    return new UserError(
      'CCLOUD_KAFKA_REST',
      `Kafka REST answered ${code ?? status} to producing to ${topic}: ${message}`,
      {
        hint: 'Check kafka.restEndpoint and the cluster id in kcops.yaml.',
      },
    );
  }

  private async get<T>(path: string): Promise<T> {
    const res = await this.call<T>('GET', path);
    if (res.status === 200) return res.body;
    if (res.status === 401) throw this.unauthorized();
    throw new UserError(
      'CCLOUD_KAFKA_REST',
      `Kafka REST answered ${res.status} to GET ${path}: ${cloudMessage(res.body)}`,
      {
        hint: 'Check kafka.restEndpoint and the cluster id in kcops.yaml; the key needs DESCRIBE on the cluster to list ACLs.',
      },
    );
  }

  /** One request; 429 is retried (Retry-After honoured up to 60 s), anything else is the caller's to judge. */
  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResponse<T>> {
    const attempts = this.opts.rateLimitAttempts ?? 4;
    const wait = this.opts.sleep ?? sleep;
    for (let i = 1; ; i++) {
      let res: HttpResponse<T>;
      try {
        res = await httpJson<T>(this.base + path, {
          method,
          ...(body === undefined ? {} : { body }),
          auth: { username: this.opts.apiKey, password: this.opts.apiSecret },
          timeoutMs: this.opts.timeoutMs ?? 15_000,
        });
      } catch (e) {
        throw unreachable(this.opts.restEndpoint, e);
      }
      const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '1', 10);
      if (res.status === 429 && i < attempts && retryAfter <= 60) {
        await wait(retryAfter * 1000);
        continue;
      }
      return res;
    }
  }

  private unauthorized(): UserError {
    return new UserError(
      'CCLOUD_KAFKA_REST_UNAUTHORIZED',
      `Kafka REST at ${this.opts.restEndpoint} rejected key ${this.opts.apiKey} (401).`,
      {
        hint: `Kafka REST needs a Kafka cluster API key for ${this.opts.kafkaClusterId} (not a Cloud key); check kafka.credentials (${this.opts.credentialRef ?? 'no reference'}) in kcops.yaml.`,
      },
    );
  }
}
