import { join, resolve } from 'node:path';
import { usageError } from '../../errors.js';
import { environmentOf, unknownEnvironment } from '../../core/project/environments.js';
import { findProjectFile, loadProject } from '../../core/project/load-project.js';
import type { CliContext } from '../context.js';
import { auditMirrorOf } from './audit-topic.js';
import { auditLogFor, auditLogPath } from './audit-log.js';
import { boundaryOf } from '../../core/fs/boundary.js';
import { withEnvironmentRun, type EnvironmentRun } from './environment.js';
import type { GitopsTarget } from '../../core/operations/gitops.js';
import { localSecretKey, secretKeyFrom } from '../../core/secrets/refresh.js';

export type { GitopsTarget };

/**
 * Runs a GitOps command against `--env` of the repository's kcops.yaml (read once), in the same wrapper as the other
 * environment-bound commands (withEnvironmentRun: opened, closed whatever happens, mutations audited).
 */
export async function withGitopsTarget<T>(
  ctx: CliContext,
  run: (t: GitopsTarget, env: EnvironmentRun) => Promise<T>,
): Promise<T> {
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
  return withEnvironmentRun(ctx, ctx.globals.env, async (e) => {
    const b = e.backend;
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
    return run(
      {
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
      },
      e,
    );
  });
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
