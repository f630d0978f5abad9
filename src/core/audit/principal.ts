import type { ConnectCluster } from '../../connect/cluster.js';

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

const asked = new WeakMap<ConnectCluster, Promise<string | undefined>>();

/** One whoami per cluster client and run; any failure counts as "the cluster cannot say". */
export function clusterPrincipal(c: ConnectCluster): Promise<string | undefined> {
  let p = asked.get(c);
  if (!p) {
    p = (c.whoami ? c.whoami() : Promise.resolve(undefined)).then(
      (w) => (w ? (w.displayName ? `${w.principal} (${w.displayName})` : w.principal) : undefined),
      () => undefined,
    );
    asked.set(c, p);
  }
  return p;
}

export async function authenticatedActor(c: ConnectCluster, label: string): Promise<Actor> {
  const principal = await clusterPrincipal(c);
  return principal ? { actor: principal, actorLabel: label } : { actor: label };
}
