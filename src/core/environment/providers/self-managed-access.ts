import type { SelfManagedConnect } from '../../../connect/self-managed/backend.js';
import { describeAllAcls, type SaslAccess } from '../../../kafka/admin.js';
import { UserError } from '../../../errors.js';
import type { AccessInventory, InventoryPrincipal } from '../../access/review-inventory.js';

/**
 * Self-managed Connect's side of the access review: the access extension's key store with each key's last use
 * (`GET /kcops/keys`, admin key), and the Kafka ACLs with the brokers' topics (DescribeAcls, the environment's Kafka
 * access). What cannot be read is said in `notes`, not silently left out.
 */
export async function selfManagedInventory(
  connect: SelfManagedConnect,
  kafka: SaslAccess | undefined,
  env: string,
): Promise<AccessInventory> {
  const notes: string[] = [];
  const [store, snapshot, kafkaSide] = await Promise.all([
    connect.accessKeys().catch((e: unknown) => {
      if (e instanceof UserError && e.code === 'CONNECT_FORBIDDEN')
        throw new UserError('ACCESS_REVIEW_FORBIDDEN', `The key kcops uses for ${env} may not read the API keys.`, {
          hint: `The review reads GET /kcops/keys, which only admin keys may: run it with an admin key (kcops login --env ${env} with one, or KCOPS_CONNECT_KEY_ID/SECRET in CI).`,
          cause: e,
        });
      throw e;
    }),
    connect.collect(),
    kafka ? describeAllAcls(kafka) : Promise.resolve(undefined),
  ]);
  if (!store)
    notes.push(
      `The Connect workers of ${env} have no kcops access extension (GET /kcops/keys: 404): there are no per-user keys to review, only the shared identity in kcops.yaml.`,
    );
  if (!kafkaSide)
    notes.push(
      `kcops.yaml gives no Kafka access for ${env} (environments.${env}.kafka): Kafka ACLs were not reviewed.`,
    );
  const principals = new Map<string, InventoryPrincipal>();
  for (const k of store?.keys ?? []) principals.set(k.principal, { id: k.principal, kind: 'key-principal' });
  for (const a of kafkaSide?.acls ?? [])
    if (!principals.has(a.principal)) principals.set(a.principal, { id: a.principal, kind: 'kafka-principal' });
  return {
    platform: 'self-managed',
    platformTeams: store?.teams ?? {},
    principals: [...principals.values()],
    keys: (store?.keys ?? []).map((k) => ({
      id: k.id,
      owner: k.principal,
      ...(k.createdAt ? { createdAt: k.createdAt } : {}),
      ...(k.createdBy ? { createdBy: k.createdBy } : {}),
      ...(k.description ? { description: k.description } : {}),
      lastUsedAt: k.lastUsedAt,
      status: k.revokedAt ? 'revoked' : 'active',
      ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
      roles: k.roles,
    })),
    acls: kafkaSide?.acls ?? [],
    roleBindings: [],
    connectors: snapshot.connectors.map((c) => c.name),
    ...(kafkaSide ? { topics: kafkaSide.topics } : {}),
    usageReported: store !== undefined,
    notes,
  };
}
