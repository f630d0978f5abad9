import type { ClusterIdentity, ConnectCluster } from '../../connect/cluster.js';
import { connectorNotOwned } from '../../connect/not-owned.js';
import { clusterIdentity } from '../audit/principal.js';
import { accessOf } from './connector-guard.js';
import {
  decideCloudAccess,
  ROLE_TO_ASK_FOR,
  type CloudBinding,
  type CloudScope,
  type CloudVerb,
} from './cloud-roles.js';

/** What the Cloud backend reads for the pre-check: the key owner's role bindings and the CRNs of this cluster. */
export interface CloudRoleSource {
  /** Every role binding of `principal` (`User:sa-…`) in the organisation (IAM v2, all pages). */
  bindings(principal: string): Promise<CloudBinding[]>;
  scope(): Promise<CloudScope>;
  environmentId: string;
  kafkaClusterId: string;
}

export interface CloudGuardOptions {
  roles: CloudRoleSource;
  /** Where the key came from, for the refusal's hint. */
  credentialSource?: string | undefined;
  /** Why kcops left a decision to Cloud (IAM unreadable, a cell Confluent's table leaves open): a debug note. */
  note(message: string): void;
}

/** Refuses, before any request about the connector, what the key owner's role bindings do not allow. */
export type CloudCheck = (connector: string, verb: CloudVerb) => Promise<void>;

/**
 * The pre-check of issue #15 §2 on Confluent Cloud: the key's owner (IAM v2, the same whoami as the audit actor) and
 * its role bindings, read once per command; a verb their roles do not allow (core/auth/cloud-roles.ts) is refused
 * with CONNECTOR_NOT_OWNED before the request. When the bindings cannot be read (no IAM access, network) or the table
 * leaves the answer open, nothing is refused and Cloud decides (its 403 reads the same).
 */
export function cloudCheck(inner: ConnectCluster, o: CloudGuardOptions): CloudCheck {
  let read: Promise<{ who: ClusterIdentity; bindings: CloudBinding[]; scope: CloudScope } | undefined> | undefined;
  const load = () =>
    (read ??= (async () => {
      // The organisation's CRN does not depend on the key's owner: asked for beside it, so the pre-check costs two
      // round trips before the command's own request, not three.
      const scopeRead = o.roles.scope();
      scopeRead.catch(() => undefined);
      const who = await clusterIdentity(inner);
      if (!who) {
        o.note('ownership pre-check skipped: IAM did not say who owns the Cloud API key; Confluent Cloud decides.');
        return undefined;
      }
      try {
        const [bindings, scope] = await Promise.all([o.roles.bindings(`User:${who.principal}`), scopeRead]);
        return { who, bindings, scope };
      } catch (e) {
        o.note(
          `ownership pre-check skipped: the role bindings of ${who.principal} could not be read (${e instanceof Error ? e.message : String(e)}); Confluent Cloud decides.`,
        );
        return undefined;
      }
    })());
  return async (connector, verb) => {
    const r = await load();
    if (!r) return;
    const d = decideCloudAccess(r.bindings, r.scope, r.who.principal, connector, verb);
    if (d.result === 'allowed') return;
    if (d.result === 'unknown') {
      o.note(`ownership pre-check: ${d.reason}; Confluent Cloud decides about ${verb} on '${connector}'.`);
      return;
    }
    throw connectorNotOwned({
      connector,
      access: accessOf(verb),
      owner: undefined,
      keyId: r.who.keyId ?? inner.credentialKeyId,
      principal: r.who.displayName ? `${r.who.principal} (${r.who.displayName})` : r.who.principal,
      credentialSource: o.credentialSource,
      decidedBy: 'kcops',
      cloud: {
        verb,
        role: ROLE_TO_ASK_FOR[verb],
        held: d.held.map((b) => `${b.role} on ${b.crn}`),
        principalId: r.who.principal,
        environmentId: o.roles.environmentId,
        kafkaClusterId: o.roles.kafkaClusterId,
      },
    });
  };
}
