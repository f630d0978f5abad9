import { dirname, join, resolve } from 'node:path';
import { auditKeyOf, type AuditKey } from '../../core/audit/hmac.js';
import { boundaryOf, isInside, type Boundary } from '../../core/fs/boundary.js';
import { findProjectFile, loadProject } from '../../core/project/load-project.js';
import type { Project } from '../../core/project/schema.js';
import { describeCause } from '../../errors.js';
import type { CliContext } from '../context.js';

/**
 * The repository's audit log as every command sees it: one file per repository (KCOPS_AUDIT_FILE moves it, e.g. to a
 * CI artifact or a shared volume), the boundary its writes stay in (the repository, or the directory the variable
 * names), and the HMAC key from kcops.yaml `audit.hmacKey`.
 */
export interface AuditLog {
  file: string;
  boundary: Boundary;
  key: AuditKey | undefined;
}

export function auditLogPath(processEnv: NodeJS.ProcessEnv, root: string): string {
  return processEnv.KCOPS_AUDIT_FILE
    ? resolve(processEnv.KCOPS_AUDIT_FILE)
    : join(root, '.kcops', 'audit', 'audit.jsonl');
}

/** For commands that append: a key that cannot be resolved is an error before anything changes. */
export function auditLogFor(ctx: CliContext, root: string, project: Project | undefined): AuditLog {
  const file = auditLogPath(ctx.env, root);
  return { file, boundary: logBoundary(root, file), key: auditKeyOf(project, ctx.env) };
}

/** For `audit verify`: an explicit file or the repository's; a key that cannot be resolved is only a notice. */
export function auditLogToVerify(
  ctx: CliContext,
  explicit: string | undefined,
): AuditLog & { keyUnavailable?: string } {
  const projectFile = ctx.globals.config ? resolve(ctx.cwd, ctx.globals.config) : findProjectFile(ctx.cwd);
  const root = projectFile ? dirname(projectFile) : ctx.cwd;
  const file = explicit ? resolve(ctx.cwd, explicit) : auditLogPath(ctx.env, root);
  const project = projectFile ? loadProject(projectFile).project : undefined;
  try {
    return { file, boundary: logBoundary(root, file), key: auditKeyOf(project, ctx.env) };
  } catch (e) {
    return { file, boundary: logBoundary(root, file), key: undefined, keyUnavailable: describeCause(e) };
  }
}

function logBoundary(root: string, file: string): Boundary {
  return isInside(resolve(root), file) ? boundaryOf(root) : boundaryOf(dirname(file));
}
