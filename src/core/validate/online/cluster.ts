/**
 * What the online rules need to know about a cluster, behind one small interface so that the later ConnectCluster
 * backends (self-managed REST, Confluent Cloud) can provide it. Every method may throw ClusterUnreachable.
 */
export interface PluginInfo {
  class: string;
  type: string;
  version: string;
}

export interface RemoteValidation {
  errorCount: number;
  /** Per key: the cluster's error messages. */
  errors: { key: string; messages: string[] }[];
  /** Per key: the value after the worker applied its config providers (compared, never shown). */
  resolved: Map<string, string | null>;
}

export interface AclEntry {
  resourceType: 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID' | 'OTHER';
  name: string;
  pattern: 'LITERAL' | 'PREFIXED' | 'OTHER';
  operation: string;
  allow: boolean;
}

export interface ValidationCluster {
  /** Where it is, for messages. */
  describe(): string;
  plugins(): Promise<PluginInfo[]>;
  validateConfig(cls: string, config: Record<string, string>): Promise<RemoteValidation>;
  /** Undefined when kcops.yaml gives no Kafka access for the environment. */
  topics?(): Promise<Set<string>>;
  aclsFor?(principal: string): Promise<AclEntry[]>;
  /** Confluent Cloud: whether an IAM service account (sa-…) exists; undefined for clusters without IAM. */
  serviceAccountExists?(id: string): Promise<boolean>;
  /** Confluent Cloud: the roles a principal holds that cover a connector (role bindings); undefined without RBAC. */
  connectorRoles?(principal: string, connector: string): Promise<string[]>;
  close(): Promise<void>;
}

export class ClusterUnreachable extends Error {
  constructor(
    readonly where: string,
    cause: unknown,
  ) {
    super(`${where} is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ClusterUnreachable';
  }
}
