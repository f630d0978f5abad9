import {
  openCloudConnect,
  openKafkaRest,
  type CloudConnect,
  type CloudKafkaRestApi,
} from '../../../connect/confluent-cloud/backend.js';
import { isUserError } from '../../../errors.js';
import type { Environment, Project } from '../../project/schema.js';
import { findSecretRefs, SECRET_REF } from '../../secrets/reference.js';
import { resolveLocally } from '../../secrets/resolve.js';
import { providersOf, SecretResolver } from '../../secrets/run-resolver.js';
import {
  ClusterUnreachable,
  type AclEntry,
  type PluginInfo,
  type RemoteValidation,
  type ValidationCluster,
} from './cluster.js';

/**
 * The online rules against Confluent Cloud: plugins and config validation through the Connect v1 API (references
 * resolved by kcops first, as at apply time), topics and ACLs through the cluster's Kafka REST v3 endpoint when
 * kcops.yaml gives one (`kafka: { restEndpoint, credentials }`).
 */
export class CloudValidationCluster implements ValidationCluster {
  readonly topics?: () => Promise<Set<string>>;
  readonly aclsFor?: (principal: string) => Promise<AclEntry[]>;

  constructor(
    private readonly cloud: CloudConnect,
    private readonly rest?: CloudKafkaRestApi,
  ) {
    if (rest) {
      this.topics = () => this.guard(() => rest.topics());
      this.aclsFor = async (principal) =>
        (await this.guard(() => rest.acls(principal))).map((a) => ({
          resourceType: (['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'].includes(a.resourceType)
            ? a.resourceType
            : 'OTHER') as AclEntry['resourceType'],
          name: a.resourceName,
          pattern: (a.patternType === 'LITERAL' || a.patternType === 'PREFIXED'
            ? a.patternType
            : 'OTHER') as AclEntry['pattern'],
          operation: a.operation,
          allow: a.permission === 'ALLOW',
        }));
    }
  }

  describe(): string {
    return `Confluent Cloud ${this.cloud.id}`;
  }

  connectorRoles(principal: string, connector: string): Promise<string[]> {
    return this.guard(() => this.cloud.connectorRoles(principal, connector));
  }

  serviceAccountExists(id: string): Promise<boolean> {
    return this.guard(() => this.cloud.serviceAccountExists(id));
  }

  plugins(): Promise<PluginInfo[]> {
    return this.guard(() => this.cloud.plugins());
  }

  async validateConfig(cls: string, config: Record<string, string>): Promise<RemoteValidation> {
    const v = await this.guard(() => this.cloud.validateConfig(cls, config));
    // Cloud masks secrets in what it echoes, and references were resolved by kcops: nothing to compare.
    return { ...v, resolved: new Map() };
  }

  async close(): Promise<void> {
    await this.cloud.close();
    this.rest?.close();
  }

  /** Unreachable or refused: the checker reports it as one finding and keeps the offline ones. */
  private async guard<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (
        isUserError(e) &&
        /UNREACHABLE|UNAUTHORIZED|NOT_FOUND|RATE_LIMITED|SERVER_ERROR|KAFKA_REST|BAD_RESPONSE/.test(e.code)
      ) {
        throw new ClusterUnreachable(this.describe(), e);
      }
      throw e;
    }
  }
}

export function buildConfluentCloud(
  def: Environment,
  project: Project,
  env: NodeJS.ProcessEnv,
  envName?: string,
): ValidationCluster | undefined {
  if (def.cluster.type !== 'confluent-cloud') return undefined;
  const c = def.cluster;
  if (!c.credentials) return undefined;
  const resolve = (ref: string) => resolveLocally(ref, project.secretProviders, env);
  const secrets = new SecretResolver({ providers: providersOf(project, envName), env });
  const lenient = (ref: string) => {
    try {
      return resolve(ref);
    } catch {
      return ref;
    }
  };
  const cloud = openCloudConnect({
    apiEndpoint: c.apiEndpoint,
    environmentId: c.environmentId,
    kafkaClusterId: c.kafkaClusterId,
    apiKey: resolve(c.credentials.apiKey),
    apiSecret: resolve(c.credentials.apiSecret),
    credentialRef: c.credentials.apiSecret,
    // A reference kcops cannot resolve is sent as written: the offline secret rules already explain it.
    resolveValue: async (v) => {
      if (findSecretRefs(v).length === 0) return v;
      if (!secrets.needsNetwork(v)) return v.replace(SECRET_REF, (ref) => lenient(ref));
      try {
        return await secrets.resolveValue(v);
      } catch {
        return v;
      }
    },
  });
  const k = def.kafka;
  const rest =
    k && 'restEndpoint' in k && k.credentials
      ? openKafkaRest({
          restEndpoint: k.restEndpoint,
          kafkaClusterId: c.kafkaClusterId,
          apiKey: resolve(k.credentials.apiKey),
          apiSecret: resolve(k.credentials.apiSecret),
          credentialRef: k.credentials.apiSecret,
        })
      : undefined;
  return new CloudValidationCluster(cloud, rest);
}
