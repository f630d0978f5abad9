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

export function saslAdmin(bootstrap: string, id: Identity, clientId = 'kcops'): Admin {
  return new Admin({
    clientId,
    bootstrapBrokers: [bootstrap],
    sasl: { mechanism: 'PLAIN', username: id.username, password: id.password },
    retries: 0,
    connectTimeout: 3000,
    timeout: 10_000,
  });
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
