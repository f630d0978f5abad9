import {
  AclOperations,
  ResourcePatternTypes,
  ResourceTypes,
  AclPermissionTypes,
  type Admin,
} from '@platformatic/kafka';
import { httpJson, type BasicAuth } from '../../../connect/http.js';
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

/** Self-managed Connect REST (+ the Kafka admin API for topics and ACLs), for the online rules. */
export class SelfManagedValidationCluster implements ValidationCluster {
  private admin: Admin | undefined;

  constructor(
    private readonly urls: string[],
    private readonly auth: BasicAuth | undefined,
    private readonly kafka?: { bootstrap: string; username: string; password: string },
  ) {}

  describe(): string {
    return `Connect at ${this.urls.join(', ')}`;
  }

  private async call<T>(
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T }> {
    let last: unknown;
    for (const url of this.urls) {
      try {
        return await httpJson<T>(url.replace(/\/$/, '') + path, {
          ...init,
          ...(this.auth ? { auth: this.auth } : {}),
          timeoutMs: 10_000,
        });
      } catch (e) {
        last = e; // try the next worker
      }
    }
    throw new ClusterUnreachable(this.describe(), last);
  }

  async plugins(): Promise<PluginInfo[]> {
    const r = await this.call<PluginInfo[]>('/connector-plugins?connectorsOnly=true');
    if (r.status !== 200 || !Array.isArray(r.body))
      throw new ClusterUnreachable(this.describe(), new Error(`GET /connector-plugins answered HTTP ${r.status}`));
    return r.body;
  }

  async validateConfig(cls: string, config: Record<string, string>): Promise<RemoteValidation> {
    const r = await this.call<{
      error_count?: number;
      configs?: { value: { name: string; value: string | null; errors: string[] } }[];
      message?: string;
    }>(`/connector-plugins/${encodeURIComponent(cls)}/config/validate`, { method: 'PUT', body: config });
    if (r.status !== 200 || !r.body.configs) {
      const msg = typeof r.body === 'object' && r.body?.message ? r.body.message : `HTTP ${r.status}`;
      return { errorCount: 1, errors: [{ key: 'connector.class', messages: [String(msg)] }], resolved: new Map() };
    }
    const configs = r.body.configs;
    return {
      errorCount: r.body.error_count ?? 0,
      errors: configs
        .filter((c) => c.value.errors.length > 0)
        .map((c) => ({ key: c.value.name, messages: c.value.errors })),
      resolved: new Map(configs.map((c) => [c.value.name, c.value.value])),
    };
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

  async topics(): Promise<Set<string>> {
    try {
      return new Set(await (await this.kafkaAdmin()).listTopics({ includeInternals: false }));
    } catch (e) {
      throw new ClusterUnreachable(`Kafka at ${this.kafka?.bootstrap ?? '?'}`, e);
    }
  }

  async aclsFor(principal: string): Promise<AclEntry[]> {
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
    await this.admin?.close().catch(() => undefined);
  }
}
