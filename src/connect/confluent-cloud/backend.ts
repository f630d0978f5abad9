import type { ConnectCluster } from '../cluster.js';
import { ConfluentCloudCluster, type ConfluentCloudOptions } from './client.js';
import { CloudKafkaRest, type KafkaRestAcl, type KafkaRestOptions } from './kafka-rest.js';
import { CloudLogsClient, logsEndpoints, type CloudLogRecord, type CloudLogSearch } from './logs.js';
import { CloudMetricsClient, metricsEndpoint } from './metrics.js';
import type { CloudApiKey, CloudKeyOwner, CloudRoleBinding } from './iam.js';

export type { CloudApiKey, CloudKeyOwner, CloudRoleBinding };

/**
 * What Confluent Cloud offers beyond the ConnectCluster interface: connector ids and CRNs (metrics, logs) and the
 * IAM/RBAC reads of online validation. Code outside this folder names this interface, never the class.
 */
export interface CloudIam {
  serviceAccountExists(id: string): Promise<boolean>;
  connectorRoles(principal: string, name: string): Promise<string[]>;
  /** The access review's reads (IAM v2, mds v2): keys, accounts, users, this environment's role bindings. */
  listApiKeys(): Promise<CloudApiKey[]>;
  listServiceAccounts(): Promise<{ id: string; displayName?: string }[]>;
  listUsers(): Promise<{ id: string; email?: string; fullName?: string }[]>;
  environmentRoleBindings(): Promise<CloudRoleBinding[]>;
  /** Every role binding of one principal (`User:sa-…`) in the organisation, read once per client. */
  principalRoleBindings(principal: string): Promise<CloudRoleBinding[]>;
  scope(): Promise<{ organization: string; environment: string; cluster: string }>;
}

export interface CloudConnect extends ConnectCluster, CloudIam {
  /** The lcc- id of a connector; undefined when it does not exist. */
  connectorId(name: string): Promise<string | undefined>;
  connectorCrn(name: string): Promise<string | undefined>;
}

export type { ConfluentCloudOptions, KafkaRestAcl, KafkaRestOptions };

/** The Connect v1 client of one Confluent Cloud cluster. */
export function openCloudConnect(o: ConfluentCloudOptions): CloudConnect {
  return new ConfluentCloudCluster(o);
}

/** Kafka REST v3 on the cluster's own endpoint, with the Kafka cluster key: topics, ACLs, producing records. */
export interface CloudKafkaRestApi {
  describe(): string;
  topics(): Promise<Set<string>>;
  acls(principal: string): Promise<KafkaRestAcl[]>;
  /** Every ACL of the cluster (the access review). */
  allAcls(): Promise<KafkaRestAcl[]>;
  produce(
    topic: string,
    records: readonly { key: string; value: string; headers: Record<string, string> }[],
  ): Promise<void>;
  close(): void;
}

export function openKafkaRest(o: KafkaRestOptions): CloudKafkaRestApi {
  return new CloudKafkaRest(o);
}

/** The connector logs search API, with the Cloud API key exchanged for a data-plane token. */
export interface CloudLogsApi {
  search(s: CloudLogSearch, max: number): Promise<CloudLogRecord[]>;
  checkToken(): Promise<string>;
}

/** The logs API of the Cloud whose Connect API is at `apiEndpoint`. */
export function openCloudLogs(o: { apiEndpoint: string; apiKey: string; apiSecret: string }): CloudLogsApi {
  return new CloudLogsClient({ ...logsEndpoints(o.apiEndpoint), apiKey: o.apiKey, apiSecret: o.apiSecret });
}

/** The Metrics API v2 query of the Cloud whose Connect API is at `apiEndpoint`. */
export interface CloudMetricsApi {
  sum(metric: string, connectorId: string, start: Date, duration?: string): Promise<number>;
}

export function openCloudMetrics(o: { apiEndpoint: string; apiKey: string; apiSecret: string }): CloudMetricsApi {
  return new CloudMetricsClient({ endpoint: metricsEndpoint(o.apiEndpoint), apiKey: o.apiKey, apiSecret: o.apiSecret });
}
