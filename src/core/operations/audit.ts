import type { ConnectCluster } from '../../connect/cluster.js';
import { audited, type AuditSink } from '../operate/audit.js';

/** What a mutation says about itself; env, cluster and credential come from where it runs. */
export interface AuditedAction {
  action: string;
  connector: string;
  details?: Record<string, unknown>;
}

/** Runs a mutation and records it, succeeded or failed (the CLI's onEnvironment, the monitor's restarts). */
export type Audit = <T>(
  what: AuditedAction,
  run: () => Promise<T>,
  details?: (r: T) => Record<string, unknown>,
) => Promise<T>;

/** What an operation on a connector works with: the cluster, and where its changes are recorded. */
export interface Operation {
  connect: ConnectCluster;
  audit: Audit;
}

/**
 * An Audit writing to `sink()`, which is asked for at each mutation before it runs (a torn audit log refuses the
 * change instead of losing it); callers that want one sink per run cache it themselves.
 */
export function auditTo(sink: () => AuditSink, env: string, cluster: ConnectCluster): Audit {
  return (what, run, details) =>
    audited(sink(), { ...what, env, cluster: cluster.id, credentialKeyId: cluster.credentialKeyId }, run, details);
}
