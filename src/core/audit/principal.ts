import type { ClusterIdentity, ConnectCluster } from '../../connect/cluster.js';

/**
 * Who the audit log says acted (issue #15 §2): the principal the cluster authenticated (the kcops access extension's
 * `GET /kcops/whoami`; on Confluent Cloud the API key's owner from IAM v2, `sa-… (name)` or `u-… (e-mail)`), which no
 * variable can fake; the name kcops would otherwise use (CI identity, KCOPS_ACTOR, Git author) goes beside it as a
 * label. A cluster that cannot say (no extension, a key IAM does not show) leaves the label as the actor, as before.
 */
export interface Actor {
  actor: string;
  actorLabel?: string;
}

const asked = new WeakMap<ConnectCluster, Promise<ClusterIdentity | undefined>>();

/**
 * One whoami per cluster client and run, shared by the audit actor and the ownership check; any failure counts as
 * "the cluster cannot say".
 */
export function clusterIdentity(c: ConnectCluster): Promise<ClusterIdentity | undefined> {
  let p = asked.get(c);
  if (!p) {
    p = (c.whoami ? c.whoami() : Promise.resolve(undefined)).then(
      (w) => w,
      () => undefined,
    );
    asked.set(c, p);
  }
  return p;
}

export async function clusterPrincipal(c: ConnectCluster): Promise<string | undefined> {
  const w = await clusterIdentity(c);
  return w ? (w.displayName ? `${w.principal} (${w.displayName})` : w.principal) : undefined;
}

export async function authenticatedActor(c: ConnectCluster, label: string): Promise<Actor> {
  const principal = await clusterPrincipal(c);
  return principal ? { actor: principal, actorLabel: label } : { actor: label };
}
