import type { AuditMirror } from '../../core/audit/mirror.js';
import { auditTopicOf } from '../../core/audit/topic-target.js';
import { publisherFor } from '../../core/environment/audit-publisher.js';
import type { OpsTarget } from '../../core/observe/target.js';
import type { Project } from '../../core/project/schema.js';
import type { CliContext } from '../context.js';

/** The environment's audit topic as the second audit sink, when kcops.yaml gives one (`environments.<env>.audit`). */
export function auditMirrorOf(
  project: Project | undefined,
  env: string,
  processEnv: NodeJS.ProcessEnv,
): AuditMirror | undefined {
  const t = project && auditTopicOf(project, env, processEnv);
  return t ? { required: t.required, publisher: publisherFor(t) } : undefined;
}

/** Day-2 commands: the kcops.yaml the target came from (none for the local stack outside a repository). */
export function opsAuditMirror(ctx: CliContext, t: OpsTarget): AuditMirror | undefined {
  if (!t.projectRoot) return undefined;
  return auditMirrorOf(t.project, t.env, ctx.env);
}
