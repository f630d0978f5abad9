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
import type { Environment, Project } from '../project/schema.js';
import { withCloudSecretManager } from '../secrets/cloud-secret-manager.js';
import { findSecretRefs } from '../secrets/reference.js';
import {
  digestSecrets,
  readSecretState,
  refreshPlan,
  saveSecretState,
  type RefreshReport,
  type SecretKey,
} from '../secrets/refresh.js';
import { whereResolved } from '../secrets/where.js';
import type { Boundary } from '../fs/boundary.js';
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
  /** Set by --refresh-secrets: what changed in the secret stores since the last apply. */
  refresh?: RefreshReport;
}

/** The environment's secrets as plan/apply need them (where each reference is resolved; the refresh baseline). */
export interface DeploySecrets {
  project: Project;
  env: Environment;
  root: string;
  boundary: Boundary;
  /** Resolves a reference kcops reads itself (Vault and AWS Secrets Manager over the network). */
  resolve: (ref: string) => string | Promise<string>;
  /** The key of the secret-state hashes; asked for only when hashes are made. */
  key: () => SecretKey;
  /** plan --refresh-secrets: compare the stores' current values with what was last applied. */
  refresh: boolean;
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
  secrets?: DeploySecrets;
}

export async function preparePlan(i: PrepareInput): Promise<Prepared> {
  const files = loadDesired(i.source, i.env);
  const desired = i.secrets ? withCloudSecretManager(files, i.secrets.project, i.env, i.secrets.env) : files;
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
  let plan = computePlan(desired, actual, i.cluster.traits, {
    env: i.env,
    prune: i.prune,
    ownedPrefixes: i.ownedPrefixes,
    ...(salt ? { salt } : {}),
  });
  let refresh: RefreshReport | undefined;
  const sec = i.secrets;
  if (sec?.refresh) {
    const key = sec.key();
    const now = await digestSecrets(desired, kcopsResolves(sec, i.env), sec.resolve, key);
    ({ plan, report: refresh } = refreshPlan(plan, now, readSecretState(sec.root, i.env), key));
  }
  if (i.saved) assertPlanCurrent(i.saved, plan);
  return { plan, desired, actual, ...(refresh ? { refresh } : {}) };
}

/** Whether kcops itself resolves a reference in this environment (and so can hash its value). */
function kcopsResolves(sec: DeploySecrets, env: string): (ref: string) => boolean {
  return (text) => {
    const r = findSecretRefs(text)[0];
    return r !== undefined && whereResolved(r, sec.project, env, sec.env)?.by === 'kcops';
  };
}

/**
 * After an apply: the hashes of the secrets of connectors this apply changed become their baseline; a connector it
 * left alone gets one only when it has none yet (its current store value is then taken as what the cluster holds).
 * Nothing is written when the environment has no kcops-resolved secret.
 */
export async function recordAppliedSecrets(
  sec: DeploySecrets,
  p: Prepared,
  outcomes: readonly ConnectorOutcome[],
): Promise<void> {
  const isKcops = kcopsResolves(sec, p.plan.env);
  const any = p.desired.some((d) =>
    Object.values(d.config).some((v) => findSecretRefs(v).some((r) => isKcops(r.text))),
  );
  if (!any) return;
  const key = sec.key();
  const now = await digestSecrets(p.desired, isKcops, sec.resolve, key);
  const prev = readSecretState(sec.root, p.plan.env);
  const known = prev && prev.keyId === key.id ? prev.connectors : {};
  const applied = new Set<string>();
  // A deleted connector is in `applied` with no hash now, so its entry goes.
  for (const o of outcomes) if (o.result === 'applied' && o.action !== 'none') applied.add(o.connector);
  for (const c of p.plan.changes) if (c.action === 'none' && !known[c.connector]) applied.add(c.connector);
  if (applied.size > 0) saveSecretState(sec.root, sec.boundary, p.plan.env, key, now, applied);
}

export interface AuditContext {
  file: string;
  actor: string;
  /** Set when `actor` is the principal the cluster authenticated: the name kcops would otherwise have used. */
  actorLabel?: string;
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
    ...(audit.actorLabel ? { actorLabel: audit.actorLabel } : {}),
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
