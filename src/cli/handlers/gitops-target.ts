import { join, resolve } from 'node:path';
import { usageError } from '../../errors.js';
import type { ConnectCluster } from '../../connect/cluster.js';
import { openEnvironment } from '../../core/environment/open.js';
import { environmentOf, unknownEnvironment } from '../../core/project/environments.js';
import { findProjectFile, loadProject } from '../../core/project/load-project.js';
import type { Environment } from '../../core/project/schema.js';
import type { CliContext } from '../context.js';
import type { AuditMirror } from '../../core/audit/mirror.js';
import { auditMirrorOf } from './audit-topic.js';
import { auditLogFor, auditLogPath, type AuditLog } from './audit-log.js';
import { boundaryOf, type Boundary } from '../../core/fs/boundary.js';
import { targetInput } from './environment.js';
import type { DeploySecrets } from '../../core/apply/deploy.js';
import { localSecretKey, secretKeyFrom } from '../../core/secrets/refresh.js';

/** What plan/apply/drift/rollback need: the repository, the environment, its cluster and the audit log. */
export interface GitopsTarget {
  env: string;
  root: string;
  cluster: ConnectCluster;
  ownedPrefixes: string[] | undefined;
  auditFile: string;
  /** The audit log with its boundary and key (kcops.yaml audit.hmacKey). */
  auditLog: AuditLog;
  /** The repository: nothing kcops writes under it goes through a link out of it. */
  boundary: Boundary;
  /** `audit.topic` of the environment: the second sink, after the file. */
  auditMirror: AuditMirror | undefined;
  /** `deploy:` of the environment in kcops.yaml: waiting and concurrency defaults that flags override. */
  deploy: Environment['deploy'];
  /** Where the environment's secrets are resolved, and the secret-state key (absent for the bare dev stack). */
  secrets: Omit<DeploySecrets, 'refresh'> | undefined;
}

/**
 * Runs a GitOps command against `--env` of the repository's kcops.yaml (read once) and closes the cluster afterwards,
 * whatever happens.
 */
export async function withGitopsTarget<T>(ctx: CliContext, run: (t: GitopsTarget) => Promise<T>): Promise<T> {
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
  const b = await openEnvironment({ ...targetInput(ctx), config: file }, { reporter: ctx.reporter });
  try {
    const t = b.target;
    const prefixes = Object.values(t.project?.teams ?? {}).flatMap((team) => team.prefixes);
    const root = t.projectRoot ?? ctx.cwd;
    const auditLog = auditLogFor(ctx, root, t.project);
    const boundary = boundaryOf(root);
    const envDef = t.project ? environmentOf(t.project, t.env) : undefined;
    const resolveSecret = t.resolveSecret;
    const secrets =
      t.project && envDef && resolveSecret
        ? {
            project: t.project,
            env: envDef,
            root,
            boundary,
            resolve: t.resolveSecretAsync ?? resolveSecret,
            // The audit key is shared by every machine that deploys; a local key only by this checkout.
            key: () => {
              const ref = t.project?.audit?.hmacKey;
              return ref ? secretKeyFrom(Buffer.from(resolveSecret(ref), 'utf8')) : localSecretKey(root, boundary);
            },
          }
        : undefined;
    return await run({
      env: t.env,
      root,
      cluster: b.connect,
      ownedPrefixes: prefixes.length ? prefixes : undefined,
      auditFile: auditLog.file,
      auditLog,
      boundary,
      auditMirror: auditMirrorOf(t.project, t.env, ctx.env),
      deploy: t.project ? environmentOf(t.project, t.env)?.deploy : undefined,
      secrets,
    });
  } finally {
    await b.close();
  }
}

/** One audit chain per repository (KCOPS_AUDIT_FILE moves it, e.g. to a CI artifact or a shared volume). */
export function auditFile(ctx: CliContext, root: string): string {
  return auditLogPath(ctx.env, root);
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
