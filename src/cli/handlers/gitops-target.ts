import { join, resolve } from 'node:path';
import { usageError } from '../../errors.js';
import { SelfManagedCluster } from '../../connect/self-managed/client.js';
import type { ConnectCluster } from '../../connect/cluster.js';
import { environmentOf, unknownEnvironment } from '../../core/project/environments.js';
import { findProjectFile, loadProject } from '../../core/project/load-project.js';
import { resolveTarget, type OpsTarget } from '../../core/observe/target.js';
import type { CliContext } from '../context.js';
import type { Reporter } from '../../core/reporter.js';
import type { AuditMirror } from '../../core/audit/mirror.js';
import { auditMirrorOf } from './audit-topic.js';
import { cloudCluster } from './cloud-cluster.js';

/** What plan/apply/drift/rollback need: the repository, the environment, its cluster and the audit log. */
export interface GitopsTarget {
  env: string;
  root: string;
  cluster: ConnectCluster;
  ownedPrefixes: string[] | undefined;
  auditFile: string;
  /** `audit.topic` of the environment: the second sink, after the file. */
  auditMirror: AuditMirror | undefined;
}

export function gitopsTarget(ctx: CliContext): GitopsTarget {
  const file = ctx.globals.config ? resolve(ctx.cwd, ctx.globals.config) : findProjectFile(ctx.cwd);
  if (!file) {
    throw usageError(
      'PROJECT_NOT_FOUND',
      `No kcops.yaml here or above ${ctx.cwd}.`,
      'Run inside a configuration repository (`kcops init` makes one) or pass --config.',
    );
  }
  if (!ctx.globals.env)
    throw usageError('ENV_REQUIRED', 'Say which environment with --env.', 'e.g. `kcops plan --env dev`.');
  const t: OpsTarget = resolveTarget({ cwd: ctx.cwd, processEnv: ctx.env, env: ctx.globals.env, config: file });
  const project = loadProject(file).project;
  const prefixes = Object.values(project?.teams ?? {}).flatMap((team) => team.prefixes);
  return {
    env: t.env,
    root: t.projectRoot ?? ctx.cwd,
    cluster: clusterOf(t, ctx.reporter),
    ownedPrefixes: prefixes.length ? prefixes : undefined,
    auditFile: auditFile(ctx, t.projectRoot ?? ctx.cwd),
    auditMirror: auditMirrorOf(project, t.env, ctx.env),
  };
}

/** One audit chain per repository (KCOPS_AUDIT_FILE moves it, e.g. to a CI artifact or a shared volume). */
export function auditFile(ctx: CliContext, root: string): string {
  return ctx.env.KCOPS_AUDIT_FILE ?? join(root, '.kcops', 'audit', 'audit.jsonl');
}

/**
 * `--env` of a command that needs kcops.yaml only to know the name (history, audit publish): inside a repository, a
 * name it does not declare is a usage error listing those it does. `alsoKnown` names are accepted anyway (e.g.
 * environments the audit log recorded before they were removed from kcops.yaml).
 */
export function checkDeclaredEnv(
  ctx: CliContext,
  env: string,
  alsoKnown: (env: string) => boolean = () => false,
): void {
  const file = ctx.globals.config ? resolve(ctx.cwd, ctx.globals.config) : findProjectFile(ctx.cwd);
  const project = file ? loadProject(file).project : undefined;
  if (!file || !project || environmentOf(project, env) || alsoKnown(env)) return;
  throw unknownEnvironment(project, env, file);
}

export function projectRootOrCwd(ctx: CliContext): string {
  const file = ctx.globals.config ? resolve(ctx.cwd, ctx.globals.config) : findProjectFile(ctx.cwd);
  return file ? join(file, '..') : ctx.cwd;
}

function clusterOf(t: OpsTarget, reporter: Reporter): ConnectCluster {
  if (t.clusterType === 'confluent-cloud') return cloudCluster(t, reporter);
  return new SelfManagedCluster({
    urls: t.connect.urls,
    auth: t.connect.auth,
    credentialRef: t.connect.credentialRef,
    ...(t.connect.tls ? { tls: t.connect.tls } : {}),
    ...(t.connect.timeoutMs ? { timeoutMs: t.connect.timeoutMs } : {}),
  });
}
