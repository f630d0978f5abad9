import type { CloudConnect, CloudKafkaRestApi } from '../../../connect/confluent-cloud/backend.js';
import type { AccessInventory, InventoryPrincipal } from '../../access/review-inventory.js';

/**
 * Confluent Cloud's side of the access review, with the environment's Cloud API key: IAM v2 API keys, service
 * accounts and users, the role bindings of the organisation and of this environment (mds v2), the connectors, and —
 * when kcops.yaml gives the cluster's Kafka REST endpoint — its ACLs and topics. IAM v2 says nothing about when a
 * key was last used, so unused keys are not judged here (the review says so).
 */
export async function cloudInventory(
  cloud: CloudConnect,
  kafkaRest: CloudKafkaRestApi | undefined,
  env: string,
): Promise<AccessInventory> {
  const [scope, keys, accounts, users, bindings, snapshot, kafkaSide] = await Promise.all([
    cloud.scope(),
    cloud.listApiKeys(),
    cloud.listServiceAccounts(),
    cloud.listUsers(),
    cloud.environmentRoleBindings(),
    cloud.collect(),
    kafkaRest
      ? Promise.all([kafkaRest.allAcls(), kafkaRest.topics()]).then(([acls, topics]) => ({ acls, topics }))
      : Promise.resolve(undefined),
  ]);
  const clusterId = /cloud-cluster=([^/]+)$/.exec(scope.cluster)?.[1];
  const principals: InventoryPrincipal[] = [
    ...accounts.map((a) => ({
      id: `User:${a.id}`,
      kind: 'service-account' as const,
      ...(a.displayName ? { displayName: a.displayName } : {}),
    })),
    ...users.map((u) => ({
      id: `User:${u.id}`,
      kind: 'user' as const,
      ...(u.fullName || u.email ? { displayName: u.fullName || u.email } : {}),
      ...(u.email ? { email: u.email } : {}),
    })),
  ];
  return {
    platform: 'confluent-cloud',
    platformTeams: {},
    principals,
    // Cloud API keys and this cluster's keys; another cluster's keys are that cluster's review.
    keys: keys
      .filter((k) => k.resource === 'cloud' || k.resource === clusterId)
      .map((k) => ({
        id: k.id,
        owner: `User:${k.owner}`,
        ...(k.createdAt ? { createdAt: k.createdAt } : {}),
        ...(k.description || k.displayName ? { description: k.description || k.displayName } : {}),
        status: 'active' as const,
        resource: k.resource,
      })),
    acls: kafkaSide?.acls ?? [],
    roleBindings: bindings,
    connectors: snapshot.connectors.map((c) => c.name),
    ...(kafkaSide ? { topics: [...kafkaSide.topics].sort() } : {}),
    scope,
    usageReported: false,
    notes: kafkaSide
      ? []
      : [
          `kcops.yaml gives no Kafka REST endpoint for ${env} (environments.${env}.kafka.restEndpoint): Kafka ACLs were not reviewed.`,
        ],
  };
}
