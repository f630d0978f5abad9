import {
  AclOperations,
  ResourcePatternTypes,
  ResourceTypes,
  AclPermissionTypes,
  type Admin,
} from '@platformatic/kafka';
import type { ConnectCluster } from '../../../connect/cluster.js';
import { isUserError } from '../../../errors.js';
import { saslAdmin } from '../../../kafka/admin.js';
import {
  ClusterUnreachable,
  type AclEntry,
  type PluginInfo,
  type RemoteValidation,
  type ValidationCluster,
} from './cluster.js';

const nameOf = <T extends Record<string, number>>(table: T, v: number): string =>
  Object.entries(table).find(([, n]) => n === v)?.[0] ?? 'UNKNOWN';

/**
 * Self-managed Connect REST (+ the Kafka admin API for topics and ACLs), for the online rules. The REST calls go
 * through the same client as plan and apply, so the environment's TLS (private CA, client certificate), timeout,
 * failover and retries apply to validate too.
 */
export class SelfManagedValidationCluster implements ValidationCluster {
  private admin: Admin | undefined;
  /** Only with Kafka access in kcops.yaml: without it the topic and ACL rules are skipped, not "unreachable". */
  readonly topics?: () => Promise<Set<string>>;
  readonly aclsFor?: (principal: string) => Promise<AclEntry[]>;

  constructor(
    private readonly connect: ConnectCluster,
    private readonly urls: string[],
    private readonly kafka?: { bootstrap: string; username: string; password: string },
  ) {
    if (kafka) {
      this.topics = () => this.listTopics();
      this.aclsFor = (principal) => this.describeAcls(principal);
    }
  }

  describe(): string {
    return `Connect at ${this.urls.join(', ')}`;
  }

  async plugins(): Promise<PluginInfo[]> {
    // The connector plugins only (what connectorsOnly=true answers): a transform is no connector.class.
    const all = await this.guard(() => this.connect.plugins());
    return all.filter((p) => p.type === 'source' || p.type === 'sink');
  }

  async validateConfig(cls: string, config: Record<string, string>): Promise<RemoteValidation> {
    try {
      const v = await this.connect.validateConfig(cls, config);
      return {
        errorCount: v.errorCount,
        errors: v.errors,
        resolved: new Map(Object.entries(v.values ?? {})),
      };
    } catch (e) {
      // The worker refused to validate (unknown class, bad request): that is a finding on connector.class.
      if (isUserError(e) && /REJECTED|NOT_FOUND|SERVER_ERROR/.test(e.code))
        return { errorCount: 1, errors: [{ key: 'connector.class', messages: [e.message] }], resolved: new Map() };
      throw this.unreachable(e);
    }
  }

  /** Unreachable, refused or not Connect at all: the checker reports it as one finding and keeps the offline ones. */
  private async guard<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw this.unreachable(e);
    }
  }

  private unreachable(e: unknown): unknown {
    return isUserError(e) ? new ClusterUnreachable(this.describe(), e) : e;
  }

  private async kafkaAdmin(): Promise<Admin> {
    if (!this.kafka) throw new Error('no Kafka access');
    this.admin ??= saslAdmin(
      this.kafka.bootstrap,
      { username: this.kafka.username, password: this.kafka.password },
      'kcops-validate',
    );
    return this.admin;
  }

  private async listTopics(): Promise<Set<string>> {
    try {
      return new Set(await (await this.kafkaAdmin()).listTopics({ includeInternals: false }));
    } catch (e) {
      throw new ClusterUnreachable(`Kafka at ${this.kafka?.bootstrap ?? '?'}`, e);
    }
  }

  private async describeAcls(principal: string): Promise<AclEntry[]> {
    let res;
    try {
      res = await (
        await this.kafkaAdmin()
      ).describeAcls({
        filter: {
          resourceType: ResourceTypes.ANY,
          resourceName: null,
          resourcePatternType: ResourcePatternTypes.ANY,
          principal,
          host: null,
          operation: AclOperations.ANY,
          permissionType: AclPermissionTypes.ANY,
        },
      });
    } catch (e) {
      throw new ClusterUnreachable(`Kafka at ${this.kafka?.bootstrap ?? '?'}`, e);
    }
    return res.flatMap((r) =>
      r.acls.map((a) => ({
        resourceType: (['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'].includes(nameOf(ResourceTypes, r.resourceType))
          ? nameOf(ResourceTypes, r.resourceType)
          : 'OTHER') as AclEntry['resourceType'],
        name: r.resourceName,
        pattern: (['LITERAL', 'PREFIXED'].includes(nameOf(ResourcePatternTypes, r.resourcePatternType))
          ? nameOf(ResourcePatternTypes, r.resourcePatternType)
          : 'OTHER') as AclEntry['pattern'],
        operation: nameOf(AclOperations, a.operation),
        allow: a.permissionType === AclPermissionTypes.ALLOW,
      })),
    );
  }

  async close(): Promise<void> {
    await this.connect.close();
    await this.admin?.close().catch(() => undefined);
  }
}
