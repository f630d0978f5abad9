import { z } from 'zod';
import { UserError } from '../../errors.js';
import { basicAuthHeader } from '../http.js';
import { DEFAULT_SERVER_RETRY, exchange, sleep, Unreachable } from '../http/policy.js';
import { lenientBody, parseBody } from '../http/response.js';
import { HttpTransport, type RawResponse } from '../http/transport.js';
import { cloudMessage, unreachable } from './errors.js';

const topicsSchema = z.looseObject({ data: z.array(z.looseObject({ topic_name: z.string() })) });
const aclsSchema = z.looseObject({ data: z.array(z.record(z.string(), z.unknown())) });

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
  /** 429: attempts including the first; Retry-After (seconds) honoured up to 60 s, a backoff without one. */
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
  private readonly transport: HttpTransport;
  constructor(private readonly opts: KafkaRestOptions) {
    this.transport = new HttpTransport({ timeoutMs: opts.timeoutMs });
    this.base = `${opts.restEndpoint.replace(/\/+$/, '')}/kafka/v3/clusters/${encodeURIComponent(opts.kafkaClusterId)}`;
  }

  describe(): string {
    return `Kafka REST at ${this.opts.restEndpoint} (${this.opts.kafkaClusterId})`;
  }

  async topics(): Promise<Set<string>> {
    const body = await this.get('/topics', topicsSchema);
    return new Set(body.data.map((t) => t.topic_name));
  }

  /** Every ACL of the cluster (the access review). */
  allAcls(): Promise<KafkaRestAcl[]> {
    return this.listAcls('/acls');
  }

  acls(principal: string): Promise<KafkaRestAcl[]> {
    return this.listAcls(`/acls?principal=${encodeURIComponent(principal)}`);
  }

  private async listAcls(path: string): Promise<KafkaRestAcl[]> {
    const body = await this.get(path, aclsSchema);
    const text = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
    return body.data.map((a) => ({
      resourceType: text(a.resource_type, ''),
      resourceName: text(a.resource_name, ''),
      patternType: text(a.pattern_type, ''),
      principal: text(a.principal, ''),
      host: text(a.host, '*'),
      operation: text(a.operation, ''),
      permission: text(a.permission, ''),
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
      const res = await this.call('POST', path, {
        key: { type: 'STRING', data: r.key },
        value: { type: 'STRING', data: r.value },
        headers: Object.entries(r.headers).map(([name, v]) => ({
          name,
          value: Buffer.from(v, 'utf8').toString('base64'),
        })),
      });
      const body = lenientBody(res);
      const code =
        typeof body === 'object' && body && 'error_code' in body && typeof body.error_code === 'number'
          ? body.error_code
          : undefined;
      if (res.status === 200 && (code === undefined || code === 200)) continue;
      throw this.produceError(topic, res.status, code, cloudMessage(body));
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

  private async get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    const res = await this.call('GET', path);
    if (res.status === 200)
      return parseBody(res, schema, { method: 'GET', url: this.base + path, service: 'Kafka REST' });
    if (res.status === 401) throw this.unauthorized();
    throw new UserError(
      'CCLOUD_KAFKA_REST',
      `Kafka REST answered ${res.status} to GET ${path}: ${cloudMessage(lenientBody(res))}`,
      {
        hint: 'Check kafka.restEndpoint and the cluster id in kcops.yaml; the key needs DESCRIBE on the cluster to list ACLs.',
      },
    );
  }

  /**
   * One request through the shared policy: 429 is retried (Retry-After honoured up to 60 s), reads also on 5xx and
   * broken connections; a produce is not repeated once it may have arrived (the record would be written twice).
   */
  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<RawResponse> {
    try {
      const { res } = await exchange(
        {
          transport: this.transport,
          bases: [this.base],
          policy: {
            server: DEFAULT_SERVER_RETRY,
            rateLimit: { attempts: this.opts.rateLimitAttempts ?? 4, maxRetryAfterSeconds: 60 },
          },
          wait: this.opts.sleep ?? sleep,
        },
        {
          method,
          path,
          ...(body === undefined ? {} : { body }),
          headers: { authorization: basicAuthHeader({ username: this.opts.apiKey, password: this.opts.apiSecret }) },
        },
      );
      return res;
    } catch (e) {
      if (e instanceof Unreachable) throw unreachable(this.opts.restEndpoint, e);
      throw e;
    }
  }

  /** Releases the pooled connections. */
  close(): void {
    this.transport.close();
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
