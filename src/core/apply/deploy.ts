import { randomUUID } from 'node:crypto';
import type { ClusterSnapshot, ConnectCluster } from '../../connect/cluster.js';
import { appendAudit, type AuditLogOptions } from '../audit/log.js';
import { mirrorAudit, type AuditMirror } from '../audit/mirror.js';
import { configHash, type AuditEntry } from '../audit/record.js';
import { computePlan } from '../plan/compute.js';
import { loadDesired, type FileSource } from '../plan/desired.js';
import { saltOf } from '../plan/fingerprint.js';
import { assertPlanCurrent } from '../plan/stale.js';
import type { DesiredConnector, Plan } from '../plan/types.js';
import type { Reporter } from '../reporter.js';
import { executePlan } from './execute.js';
import type { ApplyOptions, ApplyResult, ConnectorOutcome } from './types.js';

/**
 * The two halves of a deployment as the commands use them: load + collect + plan (also what `plan` and `drift`
 * show), then execute + audit. Kept apart so the CLI can show the plan and ask before anything changes.
 */
export interface Prepared {
  plan: Plan;
  desired: DesiredConnector[];
  actual: ClusterSnapshot;
}

export interface PrepareInput {
  cluster: ConnectCluster;
  source: FileSource;
  env: string;
  prune: boolean;
  ownedPrefixes: readonly string[] | undefined;
  reporter: Reporter;
  /** A saved plan to apply: it is recomputed with the same salt and refused when stale. */
  saved?: Plan;
}

export async function preparePlan(i: PrepareInput): Promise<Prepared> {
  const desired = loadDesired(i.source, i.env);
  const step = i.reporter.step(`Reading connectors of ${i.cluster.id}`);
  let actual: ClusterSnapshot;
  try {
    actual = await i.cluster.collect();
  } catch (e) {
    step.fail();
    throw e;
  }
  step.done(`${actual.connectors.length} connector(s) on ${i.cluster.id}`);
  const salt = i.saved ? saltOf(i.saved.fingerprint) : undefined;
  const plan = computePlan(desired, actual, i.cluster.traits, {
    env: i.env,
    prune: i.prune,
    ownedPrefixes: i.ownedPrefixes,
    ...(salt ? { salt } : {}),
  });
  if (i.saved) assertPlanCurrent(i.saved, plan);
  return { plan, desired, actual };
}

export interface AuditContext {
  file: string;
  actor: string;
  gitCommit: string | null;
  /** 'apply' or 'rollback': the record's action is `<kind>:<plan action>`. */
  kind: 'apply' | 'rollback';
  /** The environment's audit topic, published to after the file has the records. */
  mirror?: AuditMirror;
  /** The repository boundary and HMAC key of the log. */
  log?: AuditLogOptions;
}

export async function applyPrepared(
  p: Prepared,
  cluster: ConnectCluster,
  reporter: Reporter,
  options: ApplyOptions,
  audit: AuditContext,
): Promise<ApplyResult & { deploymentId: string }> {
  const result = await executePlan({ plan: p.plan, desired: p.desired, actual: p.actual, cluster, reporter, options });
  const deploymentId = randomUUID();
  const before = new Map(p.actual.connectors.map((c) => [c.name, c.config]));
  const after = new Map(p.desired.map((d) => [d.name, d.config]));
  const entries: AuditEntry[] = result.outcomes.map((o) => ({
    time: new Date().toISOString(),
    actor: audit.actor,
    credentialKeyId: cluster.credentialKeyId ?? null,
    env: p.plan.env,
    cluster: cluster.id,
    connector: o.connector,
    action: `${audit.kind}:${o.action}`,
    configHashBefore: configHash(before.get(o.connector)),
    configHashAfter: configHash(finalConfig(o, before.get(o.connector), after.get(o.connector))),
    gitCommit: audit.gitCommit,
    result: o.result,
    deploymentId,
    ...(o.error || o.rollback ? { detail: detailOf(o) } : {}),
  }));
  await mirrorAudit(appendAudit(audit.file, entries, audit.log), audit.mirror, audit.file, reporter);
  return { ...result, deploymentId };
}

/** What the cluster holds for the connector after this apply, as far as kcops knows. */
function finalConfig(
  o: ConnectorOutcome,
  before: Record<string, string> | undefined,
  desired: Record<string, string> | undefined,
) {
  // A conflict is someone else's doing: this apply changed nothing there.
  if (o.result === 'not-started' || o.result === 'rolled-back' || o.result === 'conflict') return before;
  if (o.result === 'failed' && o.rollback?.result === 'done') return before;
  return o.action === 'delete' ? undefined : desired;
}

function detailOf(o: ConnectorOutcome): string {
  const parts = [];
  if (o.error) parts.push(o.error);
  if (o.rollback)
    parts.push(
      `rollback ${o.rollback.action}: ${o.rollback.result}${o.rollback.error ? ` (${o.rollback.error})` : ''}`,
    );
  return parts.join('; ');
}
