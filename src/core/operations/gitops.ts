/**
 * The GitOps operations on one environment: plan, drift, and the deployment that apply and rollback share (deploy
 * lock, secret pre-flight, approval, execution, audit). They return data; `kcops plan|drift|apply|rollback` map
 * their flags onto them and render, asking for approval through the `confirm` they pass.
 */
import type { ConnectCluster } from '../../connect/cluster.js';
import type { Reporter } from '../reporter.js';
import {
  applyPrepared,
  preparePlan,
  recordAppliedSecrets,
  type DeploySecrets,
  type Prepared,
} from '../apply/deploy.js';
import { lockDeployment } from '../apply/deploy-lock.js';
import { previousConfigs } from '../apply/previous-revisions.js';
import type { ApplyOptions, ApplyResult } from '../apply/types.js';
import { authenticatedActor } from '../audit/principal.js';
import type { AuditKey } from '../audit/hmac.js';
import { assertAuditAppendable, readAudit } from '../audit/log.js';
import type { AuditMirror } from '../audit/mirror.js';
import type { Boundary } from '../fs/boundary.js';
import type { Plan } from '../plan/types.js';
import { hasChanges } from '../plan/compute.js';
import { workingTree, type FileSource } from '../plan/desired.js';
import type { Environment } from '../project/schema.js';
import { findUnreadableReferences, unreadableError } from '../secrets/preflight.js';

/** What plan/apply/drift/rollback need: the repository, the environment, its cluster and the audit log. */
export interface GitopsTarget {
  env: string;
  root: string;
  cluster: ConnectCluster;
  ownedPrefixes: string[] | undefined;
  auditFile: string;
  /** The audit log with its boundary and key (kcops.yaml audit.hmacKey). */
  auditLog: { file: string; boundary: Boundary; key: AuditKey | undefined };
  /** The repository: nothing kcops writes under it goes through a link out of it. */
  boundary: Boundary;
  /** `audit.topic` of the environment: the second sink, after the file. */
  auditMirror: AuditMirror | undefined;
  /** `deploy:` of the environment in kcops.yaml: waiting and concurrency defaults that flags override. */
  deploy: Environment['deploy'];
  /** Where the environment's secrets are resolved, and the secret-state key (absent for the bare dev stack). */
  secrets: Omit<DeploySecrets, 'refresh'> | undefined;
}

export interface PlanRequest {
  /** The connectors as Git has them: the working tree (plan, apply, drift) or a revision (rollback). */
  source?: FileSource;
  prune: boolean;
  /** --refresh-secrets: compare the secrets in their stores with the last applied ones. */
  refreshSecrets?: boolean;
  /** A saved plan to apply: recomputed with the same salt and refused when stale. */
  saved?: Plan;
}

/** The plan of the environment against Git: what an apply would change. */
export function plan(t: GitopsTarget, r: PlanRequest, reporter: Reporter): Promise<Prepared> {
  return preparePlan({
    cluster: t.cluster,
    source: r.source ?? workingTree(t.root),
    env: t.env,
    prune: r.prune,
    ownedPrefixes: t.ownedPrefixes,
    reporter,
    ...(r.saved ? { saved: r.saved } : {}),
    ...(t.secrets && r.refreshSecrets !== undefined ? { secrets: { ...t.secrets, refresh: r.refreshSecrets } } : {}),
  });
}

export interface DriftReport {
  env: string;
  drift: boolean;
  changed: Plan['changes'];
  notInGit: Plan['notInGit'];
  unmanaged: Plan['unmanaged'];
  /** Connectors an apply left still provisioning (Confluent Cloud, exit code 5): no drift, but not done either. */
  provisioning: string[];
}

/** How the environment differs from Git, without pruning: what changed, what Git does not declare, what is pending. */
export async function drift(t: GitopsTarget, reporter: Reporter): Promise<{ report: DriftReport; plan: Plan }> {
  const p = await plan(t, { prune: false }, reporter);
  const inGit = new Set(p.plan.changes.map((c) => c.connector));
  const changed = p.plan.changes.filter((c) => c.action !== 'none');
  const report: DriftReport = {
    env: t.env,
    drift: changed.length > 0 || p.plan.notInGit.length > 0,
    changed,
    notInGit: p.plan.notInGit,
    unmanaged: p.plan.unmanaged,
    provisioning: p.actual.connectors
      .filter((c) => inGit.has(c.name) && (c.status.state === 'PROVISIONING' || c.status.state === 'NONE'))
      .map((c) => c.name),
  };
  return { report, plan: p.plan };
}

/**
 * One deployment per environment at a time: the lock is taken before the cluster is read (a plan made while another
 * run changes the cluster would be stale) and released once the audit log has the records. The log is checked first,
 * so a torn or cut log stops the run before anything changes instead of after.
 */
export async function underDeployLock<T>(
  t: GitopsTarget,
  o: { kind: 'apply' | 'rollback'; timeoutMs: number; reporter: Reporter },
  run: () => Promise<T>,
): Promise<T> {
  const lock = await lockDeployment({
    boundary: t.boundary,
    root: t.root,
    env: t.env,
    purpose: `kcops ${o.kind} --env ${t.env}`,
    timeoutMs: o.timeoutMs,
    reporter: o.reporter,
  });
  try {
    assertAuditAppendable(t.auditFile, { boundary: t.auditLog.boundary });
    return await run();
  } finally {
    lock.release();
  }
}

export interface DeployRequest {
  kind: 'apply' | 'rollback';
  options: ApplyOptions;
  /** The commit (or revision) recorded with each audit record. */
  commit: string | null;
  /** Who runs it as they call themselves (KCOPS_ACTOR, git user); the audit adds the authenticated principal. */
  actorLabel: string;
  /** Asked only when the plan changes something; throws to refuse. */
  confirm: (p: Prepared) => Promise<void>;
  reporter: Reporter;
}

export type DeployResult = ApplyResult & { deploymentId: string };

/** Executes a prepared plan: secrets read first, then approval, then the changes, each recorded in the audit log. */
export async function deploy(t: GitopsTarget, p: Prepared, r: DeployRequest): Promise<DeployResult> {
  // Every secret the changes need is read (or found unresolvable) before anything is asked or changed.
  if (t.secrets) {
    const unreadable = await findUnreadableReferences({
      plan: p.plan,
      desired: p.desired,
      project: t.secrets.project,
      env: t.secrets.env,
      resolve: t.secrets.resolve,
    });
    if (unreadable.length > 0) throw unreadableError(unreadable, t.env, t.cluster.id);
  }
  if (hasChanges(p.plan)) await r.confirm(p);
  // Where a rollback on Cloud finds the secrets the snapshot has masked: the revisions the audit log says were applied.
  const previous = previousConfigs(t.root, t.env, () => readAudit(t.auditFile, t.auditLog.boundary).records);
  const result = await applyPrepared(
    p,
    t.cluster,
    r.reporter,
    { ...r.options, previous },
    {
      file: t.auditFile,
      ...(await authenticatedActor(t.cluster, r.actorLabel)),
      gitCommit: r.commit,
      kind: r.kind,
      mirror: t.auditMirror,
      log: { boundary: t.auditLog.boundary, ...(t.auditLog.key ? { key: t.auditLog.key } : {}) },
    },
  );
  if (t.secrets) await recordAppliedSecrets({ ...t.secrets, refresh: false }, p, result.outcomes);
  return result;
}
