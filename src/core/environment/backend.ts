import type { ConnectCluster, ConnectorType } from '../../connect/cluster.js';
import type { KafkaMetadata } from '../../kafka/metadata.js';
import type { KafkaAccess } from '../observe/lag.js';
import type { LogSourceChoice } from '../observe/log-source-choices.js';
import type { LogSource } from '../observe/log-source.js';
import type { ConnectorMetrics } from '../observe/connector-metrics.js';
import type { MetricsWindow } from '../observe/cloud-metrics.js';
import type { OpsTarget } from '../observe/target.js';
import type { Check, Probes } from '../operate/check.js';
import type { Reporter } from '../reporter.js';
import type { AccessInventorySource } from '../access/review-inventory.js';
import type { CloudRoleSource } from '../auth/cloud-guard.js';

/**
 * An environment of kcops.yaml (or the local stack) made usable: every part it has, with its credentials, TLS and
 * timeouts applied once, by the provider of its cluster type. Commands ask `openEnvironment` for it and `close()` it
 * when done; nothing outside a backend's folder constructs a client.
 */
export interface Backend {
  /** The environment as resolved from kcops.yaml: names, endpoints, observability settings. */
  readonly target: OpsTarget;
  /** Its Connect cluster; made on first use, so commands that never call Connect need no Connect credentials. */
  readonly connect: ConnectCluster;
  /** SASL access to its Kafka cluster, when kcops.yaml gives one (lag, doctor). */
  readonly kafka?: KafkaAccess;
  /**
   * Topics and ACLs of its Kafka cluster (online validation): the admin API with kcops.yaml's `kafka` SASL access, or
   * Confluent Cloud's Kafka REST v3 (`kafka.restEndpoint`); absent when kcops.yaml gives neither.
   */
  readonly kafkaMetadata?: KafkaMetadata;
  /** The platform's IAM, where it has one (Confluent Cloud): service accounts and role bindings on connectors. */
  readonly iam?: ConnectorIam;
  /**
   * Where its connector logs are read (observability.logs, or the backend's own logs service); `source` picks one of
   * several (`connect logs --source`).
   */
  logs(source?: LogSourceChoice): LogSource;
  /** A metrics service that knows connector totals (Confluent Cloud's Metrics API); absent: the workers' exporters. */
  readonly metrics?: ConnectorMetricsService;
  /** `kcops doctor`: what this kind of cluster can be checked for. */
  probes(p: Probes, o: DoctorOptions): Promise<Check[]>;
  /** `kcops access review`: who may do what on this platform (keys, roles, role bindings, ACLs). */
  readonly access: AccessInventorySource;
  /** Closes whatever was opened (connection pools); safe to call when nothing was. */
  close(): Promise<void>;
}

export interface ConnectorIam {
  /** Whether a service account (sa-…) exists. */
  serviceAccountExists(id: string): Promise<boolean>;
  /** The roles `principal` holds that cover connector `connector` (role bindings on the cluster). */
  connectorRoles(principal: string, connector: string): Promise<string[]>;
  /**
   * The key owner's role bindings, which the day-2 pre-check reads (core/auth/cloud-guard.ts); self-managed has no
   * IAM and decides with the ownership table.
   */
  readonly roleBindings: CloudRoleSource;
}

export interface ConnectorMetricsService {
  connectorMetrics(
    name: string,
    type: ConnectorType,
  ): Promise<{ metrics: ConnectorMetrics; notes: string[]; window?: MetricsWindow }>;
}

export interface DoctorOptions {
  /** Check the endpoints connectors reference and let the cluster validate their configs. */
  connectors: boolean;
}

export interface OpenOptions {
  /** Hears what a backend has to say while it works (Cloud provisioning waits, log reads). */
  reporter?: Reporter;
  /**
   * How references in connector configs that kcops resolves itself (Confluent Cloud) are treated when they cannot be
   * resolved: 'strict' (default) fails the request; 'lenient' sends them as written, for `kcops validate`, whose
   * offline secret rules already report them. The environment's own credentials are always resolved strictly.
   */
  secrets?: 'strict' | 'lenient';
}

/** The parts a provider builds; `openBackend` adds what is common (logs from observability.logs). */
export interface BackendParts {
  /** The same client on every call, made on the first. */
  connect(): ConnectCluster;
  kafka?: KafkaAccess;
  kafkaMetadata?: KafkaMetadata;
  iam?: ConnectorIam;
  /** The backend's own log source, used when observability.logs says nothing. */
  defaultLogs?: () => LogSource;
  metrics?: ConnectorMetricsService;
  probes(p: Probes, o: DoctorOptions): Promise<Check[]>;
  access: AccessInventorySource;
  close(): Promise<void>;
}

/** A client made on first use and closed only if it was made. */
export function lazyClient<C extends { close(): Promise<void> }>(
  create: () => C,
): { get(): C; close(): Promise<void> } {
  let c: C | undefined;
  return {
    get: () => (c ??= create()),
    close: async () => {
      await c?.close();
    },
  };
}

/** Turns one cluster type of kcops.yaml into backend parts. New backends (a gateway in front of Connect) register here. */
export interface BackendProvider {
  open(t: OpsTarget, o: OpenOptions): BackendParts;
}

/** Requests to Connect time out after this unless kcops.yaml says otherwise (`cluster.connect.timeout`). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
