import {
  Admin,
  AclOperations,
  AclPermissionTypes,
  Connection,
  ResourcePatternTypes,
  ResourceTypes,
  describeGroupsV5,
} from '@platformatic/kafka';

/** A SASL/PLAIN user (the dev stack's identities have this shape). */
export interface Identity {
  username: string;
  password: string;
}

export type AclOp = keyof typeof AclOperations;
export type AclResource = 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID';

export interface AclGrant {
  principal: string;
  resource: AclResource;
  name: string;
  pattern: 'LITERAL' | 'PREFIXED';
  operations: AclOp[];
}

/** An ACL as the broker describes it, with names instead of the protocol's numbers. */
export interface DescribedAcl {
  principal: string;
  resourceType: string;
  resourceName: string;
  patternType: string;
  operation: string;
  permission: string;
  host: string;
}

const nameOf = (table: Record<string, number>, value: number) =>
  Object.entries(table).find(([, v]) => v === value)?.[0] ?? String(value);

/** The SASL credentials of kcops.yaml's `kafka` block (or the dev stack's admin). */
export interface SaslAccess {
  bootstrap: string;
  username: string;
  password: string;
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
}

/** How long a client waits to connect and for an answer, in milliseconds (the library's defaults wait far longer). */
export interface AdminTimeouts {
  connectTimeout: number;
  timeout: number;
}

/**
 * The one way kcops makes a Kafka admin client: SASL with the environment's mechanism, no retries (a command reports a
 * failure at once, it does not hang on a broker that is down), short timeouts unless the caller needs longer ones.
 */
export function kafkaAdmin(
  k: SaslAccess,
  clientId: string,
  t: AdminTimeouts = { connectTimeout: 3000, timeout: 10_000 },
): Admin {
  return new Admin({
    clientId,
    bootstrapBrokers: [k.bootstrap],
    sasl: { mechanism: k.mechanism, username: k.username, password: k.password },
    retries: 0,
    connectTimeout: t.connectTimeout,
    timeout: t.timeout,
  });
}

/** The ACLs naming `principal` (null: every ACL), with names instead of the protocol's numbers. */
export async function describeAcls(admin: Admin, principal: string | null): Promise<DescribedAcl[]> {
  const resources = await admin.describeAcls({
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
  return resources.flatMap((r) =>
    r.acls.map((a) => ({
      principal: a.principal,
      resourceType: nameOf(ResourceTypes, r.resourceType),
      resourceName: r.resourceName,
      patternType: nameOf(ResourcePatternTypes, r.resourcePatternType),
      operation: nameOf(AclOperations, a.operation),
      permission: nameOf(AclPermissionTypes, a.permissionType),
      host: a.host,
    })),
  );
}

/**
 * Every ACL of the cluster (DescribeAcls with a match-anything filter) and every topic name: what the access review
 * counts rights against. Needs DESCRIBE on the cluster (an admin or the ACL authorizer's super user).
 */
export async function describeAllAcls(k: SaslAccess): Promise<{ acls: DescribedAcl[]; topics: string[] }> {
  const admin = kafkaAdmin(k, 'kcops-access-review');
  try {
    const acls = await describeAcls(admin, null);
    const topics = (await admin.listTopics({ includeInternals: false })).sort();
    return { acls, topics };
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** An admin client of the dev stack, whose identities are SASL/PLAIN users. */
export function saslAdmin(bootstrap: string, id: Identity, clientId = 'kcops'): Admin {
  return kafkaAdmin({ bootstrap, mechanism: 'PLAIN', ...id }, clientId);
}

export async function createAcls(admin: Admin, grants: AclGrant[]): Promise<void> {
  const creations = grants.flatMap((g) =>
    g.operations.map((op) => ({
      resourceType: ResourceTypes[g.resource],
      resourceName: g.name,
      resourcePatternType: ResourcePatternTypes[g.pattern],
      principal: g.principal,
      host: '*',
      operation: AclOperations[op],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
  // Creating an ACL that exists is a no-op on the broker, which keeps `dev up` idempotent.
  await admin.createAcls({ creations });
}

/**
 * Members of a group, asked of a single-broker cluster (the broker is the coordinator). The library's high-level
 * describeGroups decodes every member as a consumer-protocol member and throws on Connect's protocol, so this sends
 * the raw DescribeGroups request and only counts.
 */
export async function groupMemberCount(bootstrap: string, id: Identity, group: string): Promise<number> {
  const [host, port] = bootstrap.split(':');
  const conn = new Connection('kcops', {
    sasl: { mechanism: 'PLAIN', username: id.username, password: id.password },
    connectTimeout: 3000,
  });
  try {
    await conn.connect(host ?? '127.0.0.1', Number(port));
    const res = await describeGroupsV5.api.async(conn, [group], false);
    const g = res.groups.find((x) => x.groupId === group);
    return g && g.groupState.toLowerCase() === 'stable' ? g.members.length : 0;
  } finally {
    await conn.close().catch(() => undefined);
  }
}
