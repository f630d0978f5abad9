import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { appendAudit, assertAuditAppendable } from '../../core/audit/log.js';
import { findProjectFile, loadProject } from '../../core/project/load-project.js';
import { auditLogFor } from './audit-log.js';
import { mirrorAudit } from '../../core/audit/mirror.js';
import { gitCommit, resolveActor } from '../../core/audit/actor.js';
import { authenticatedActor } from '../../core/audit/principal.js';
import type { ConnectCluster } from '../../connect/cluster.js';
import { UserError } from '../../errors.js';
import type { OpsTarget } from '../../core/observe/target.js';
import type { AuditSink, OpsAuditRecord } from '../../core/operate/audit.js';
import { resolveSettings } from '../../dev/settings.js';
import { opsAuditMirror } from './audit-topic.js';
import type { CliContext } from '../context.js';

/** Outside dev, a change made by hand differs from Git until someone commits it. */
export function warnDrift(ctx: CliContext, t: OpsTarget, what: string): void {
  if (!t.isDev) {
    ctx.reporter.warn(
      `${what} in '${t.env}' is not in Git: \`kcops drift --env ${t.env}\` will show it until the repository says the same.`,
    );
  }
}

/**
 * Day-2 changes go into the repository's hash-chained audit log (src/core/audit), the same chain as apply and
 * rollback: KCOPS_AUDIT_FILE, else .kcops/audit/audit.jsonl of the repository (or of the dev home outside one). With
 * `audit.topic` in kcops.yaml each record is then published to that topic too.
 */
export function auditSinkFor(ctx: CliContext, t: OpsTarget, cluster?: ConnectCluster): AuditSink {
  const root = t.projectRoot ?? resolveSettings({ env: ctx.env }).home;
  const projectFile = !t.projectRoot
    ? undefined
    : ctx.globals.config
      ? resolve(ctx.cwd, ctx.globals.config)
      : findProjectFile(ctx.cwd);
  const project = projectFile ? loadProject(projectFile).project : undefined;
  const log = auditLogFor(ctx, root, project);
  const file = log.file;
  // Before the mutation: a torn or cut log refuses now, not after the change is made.
  assertAuditAppendable(file, { boundary: log.boundary });
  const deploymentId = randomUUID();
  const mirror = opsAuditMirror(ctx, t);
  return {
    async append(r: OpsAuditRecord) {
      const detail = [r.details ? JSON.stringify(r.details) : '', r.error ?? ''].filter(Boolean).join(' ');
      const label = resolveActor(ctx.cwd, ctx.env);
      const who = cluster ? await authenticatedActor(cluster, label) : { actor: label };
      const written = appendAudit(
        file,
        [
          {
            time: new Date().toISOString(),
            ...who,
            credentialKeyId: r.credentialKeyId ?? null,
            env: r.env,
            cluster: r.cluster,
            connector: r.connector,
            action: r.action,
            configHashBefore: null,
            configHashAfter: null,
            gitCommit: t.projectRoot ? gitCommit(t.projectRoot) : null,
            result: r.outcome,
            deploymentId,
            ...(detail ? { detail } : {}),
          },
        ],
        { boundary: log.boundary, ...(log.key ? { key: log.key } : {}) },
      );
      await mirrorAudit(written, mirror, file, ctx.reporter);
    },
  };
}

/** The connector name argument: commander ensures it is given, not that it is non-empty. */
export function nameArg(n: string | undefined): string {
  if (n === undefined || n.length === 0) throw new UserError('USAGE', 'A connector name is required.', { exitCode: 2 });
  return n;
}
