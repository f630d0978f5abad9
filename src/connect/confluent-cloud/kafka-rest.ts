import { UserError } from '../../errors.js';
import { httpJson, type HttpResponse } from '../http.js';
import { sleep } from '../retry.js';
import { cloudMessage, unreachable } from './errors.js';

/**
 * Kafka REST v3 on a Confluent Cloud cluster's own endpoint (https://pkc-….confluent.cloud), with the Kafka cluster
 * API key (a Cloud API key is refused there): the topics and ACLs the online validation checks.
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

  private async get<T>(path: string): Promise<T> {
    const attempts = this.opts.rateLimitAttempts ?? 4;
    const wait = this.opts.sleep ?? sleep;
    for (let i = 1; ; i++) {
      let res: HttpResponse<T>;
      try {
        res = await httpJson<T>(this.base + path, {
          auth: { username: this.opts.apiKey, password: this.opts.apiSecret },
          timeoutMs: this.opts.timeoutMs ?? 15_000,
        });
      } catch (e) {
        throw unreachable(this.opts.restEndpoint, e);
      }
      if (res.status === 200) return res.body;
      const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '1', 10);
      if (res.status === 429 && i < attempts && retryAfter <= 60) {
        await wait(retryAfter * 1000);
        continue;
      }
      if (res.status === 401) {
        throw new UserError(
          'CCLOUD_KAFKA_REST_UNAUTHORIZED',
          `Kafka REST at ${this.opts.restEndpoint} rejected key ${this.opts.apiKey} (401).`,
          {
            hint: `Kafka REST needs a Kafka cluster API key for ${this.opts.kafkaClusterId} (not a Cloud key); check kafka.credentials (${this.opts.credentialRef ?? 'no reference'}) in kcops.yaml.`,
          },
        );
      }
      throw new UserError(
        'CCLOUD_KAFKA_REST',
        `Kafka REST answered ${res.status} to GET ${path}: ${cloudMessage(res.body)}`,
        {
          hint: 'Check kafka.restEndpoint and the cluster id in kcops.yaml; the key needs DESCRIBE on the cluster to list ACLs.',
        },
      );
    }
  }
}
