/** `kcops history`: the audit log's records grouped into deployments, newest first, each with its verdict. */
import type { AuditRecord } from '../audit/record.js';

export interface DeploymentChange {
  connector: string;
  action: string;
  result: string;
  detail?: string;
}

export interface Deployment {
  deploymentId: string;
  time: string;
  actor: string;
  actorLabel?: string;
  gitCommit: string | null;
  env: string;
  changes: DeploymentChange[];
  /** The deployment's verdict (same words as `apply -o json` status). */
  outcome: string;
}

/** The deployments of `env` (all environments when undefined), newest first. */
export function deploymentHistory(records: readonly AuditRecord[], env?: string): Deployment[] {
  const deployments = new Map<string, Omit<Deployment, 'outcome'>>();
  for (const r of records) {
    if (env && r.env !== env) continue;
    let d = deployments.get(r.deploymentId);
    if (!d)
      deployments.set(
        r.deploymentId,
        (d = {
          deploymentId: r.deploymentId,
          time: r.time,
          actor: r.actor,
          ...(r.actorLabel ? { actorLabel: r.actorLabel } : {}),
          gitCommit: r.gitCommit,
          env: r.env,
          changes: [],
        }),
      );
    d.changes.push({
      connector: r.connector,
      action: r.action,
      result: r.result,
      ...(r.detail ? { detail: r.detail } : {}),
    });
  }
  return [...deployments.values()].map((d) => ({ ...d, outcome: outcomeOf(d.changes) })).reverse();
}

/** The deployment's verdict from its per-connector records (same words as `apply -o json` status). */
function outcomeOf(changes: { result: string; detail?: string }[]): string {
  if (changes.some((c) => c.result === 'rollback-failed')) return 'rollback-failed';
  if (!changes.some((c) => c.result === 'failed'))
    return changes.some((c) => c.result === 'pending') ? 'pending' : 'applied';
  return changes.some((c) => c.detail?.includes('rollback')) ? 'rolled-back' : 'failed';
}
