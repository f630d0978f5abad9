import type { ClusterIdentity } from '../../connect/cluster.js';

/**
 * Who may touch which connector (issue #15 §2), decided the way the workers' access extension decides it
 * (extensions/connect-access KeyStore.may): a team owns the connector names that start with one of its prefixes (the
 * longest matching prefix wins); reading a connector needs viewer on its team, changing it operator; a global admin
 * may do everything. kcops decides first so that a refusal costs no request to the connector; the workers decide
 * again, and their 403 reads the same (src/connect/not-owned.ts).
 */

export type Access = 'read' | 'change';

/** Team name -> connector name prefixes (kcops.yaml `teams`, or the dev stack's key file). */
export type Ownership = Record<string, { prefixes: readonly string[] }>;

const RANK: Record<string, number> = { viewer: 1, operator: 2, admin: 3 };
const NEEDED: Record<Access, string> = { read: 'viewer', change: 'operator' };

export type OwnershipDecision =
  { allowed: true } | { allowed: false; connector: string; access: Access; owner: string | undefined; held?: string };

/** The team whose prefix matches the name, the longest prefix winning; undefined when none does. */
export function ownerOf(ownership: Ownership, connector: string): string | undefined {
  let best: string | undefined;
  let len = -1;
  for (const [team, t] of Object.entries(ownership))
    for (const p of t.prefixes)
      if (connector.startsWith(p) && p.length > len) {
        best = team;
        len = p.length;
      }
  return best;
}

/**
 * The decision, or undefined when kcops cannot tell and leaves it to the cluster: no identity (no access
 * extension), or no ownership table to read prefixes from.
 */
export function decideOwnership(
  who: ClusterIdentity | undefined,
  ownership: Ownership,
  connector: string,
  access: Access,
): OwnershipDecision | undefined {
  if (!who) return undefined;
  if (who.admin || who.roles['*'] === 'admin') return { allowed: true };
  if (Object.keys(ownership).length === 0) return undefined;
  const owner = ownerOf(ownership, connector);
  if (owner === undefined) return { allowed: false, connector, access, owner };
  const held = Object.hasOwn(who.roles, owner) ? who.roles[owner] : undefined;
  if (held !== undefined && (RANK[held] ?? 0) >= (RANK[NEEDED[access]] ?? Infinity)) return { allowed: true };
  return { allowed: false, connector, access, owner, ...(held !== undefined ? { held } : {}) };
}
