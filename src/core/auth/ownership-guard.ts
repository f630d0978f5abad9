import type { ConnectCluster } from '../../connect/cluster.js';
import { connectorNotOwned } from '../../connect/not-owned.js';
import { clusterIdentity } from '../audit/principal.js';
import { accessOf, guardConnectorCalls } from './connector-guard.js';
import { decideOwnership, type Ownership } from './ownership.js';

export interface GuardOptions {
  /** Team -> prefixes the decision reads (kcops.yaml `teams`, or the dev stack's key file). */
  ownership: Ownership;
  /** Where the key came from, for the refusal's hint. */
  credentialSource?: string | undefined;
}

/**
 * The cluster as day-2 commands see it: every call about one connector first asks `decideOwnership` with the key's
 * identity (one `GET /kcops/whoami` per run, shared with the audit actor), and a refusal is thrown before the call is
 * made, so a connector outside the key's teams costs no request to it, and the workers' audit files get no record.
 * Calls that are not about one connector (list, plugins, server info) pass through: the workers filter lists.
 */
export function guardOwnership(inner: ConnectCluster, o: GuardOptions): ConnectCluster {
  const check = async (connector: string, access: 'read' | 'change'): Promise<void> => {
    const who = await clusterIdentity(inner);
    const d = decideOwnership(who, o.ownership, connector, access);
    if (!d || d.allowed) return;
    throw connectorNotOwned({
      connector,
      access,
      owner: d.owner,
      held: d.held,
      keyId: who?.keyId ?? inner.credentialKeyId,
      principal: who?.principal,
      credentialSource: o.credentialSource,
      decidedBy: 'kcops',
    });
  };
  return guardConnectorCalls(inner, (connector, verb) => check(connector, accessOf(verb)));
}
