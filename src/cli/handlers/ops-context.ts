import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { appendAudit, assertAuditAppendable } from '../../core/audit/log.js';
import { findProjectFile, loadProject } from '../../core/project/load-project.js';
import { auditLogFor } from './audit-log.js';
import { mirrorAudit } from '../../core/audit/mirror.js';
import { gitCommit, resolveActor } from '../../core/audit/actor.js';
import { authenticatedActor } from '../../core/audit/principal.js';
import { guardOwnership } from '../../core/auth/ownership-guard.js';
import { cloudCheck, type CloudCheck, type CloudRoleSource } from '../../core/auth/cloud-guard.js';
import { guardConnectorCalls } from '../../core/auth/connector-guard.js';
import type { Reporter } from '../../core/reporter.js';
import type { Ownership } from '../../core/auth/ownership.js';
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

/**
 * Day-2 commands' cluster: the ownership check of issue #15 in front of it. Self-managed: the teams of kcops.yaml (or,
 * for the dev stack outside a repository, of its key file). Confluent Cloud: the key owner's role bindings
 * (core/auth/cloud-guard.ts), read once per command; when they cannot be read Cloud decides, and the reason is a
 * debug note. `check` is the same pre-check for commands that reach a connector by other APIs (logs, metrics).
 */
export function ownershipGuard(
  t: OpsTarget,
  c: ConnectCluster,
  cloudRoles?: CloudRoleSource,
  reporter?: Reporter,
): { connect: ConnectCluster; check: CloudCheck } {
  if (t.clusterType !== 'self-managed') {
    if (!cloudRoles) return { connect: c, check: async () => {} };
    const check = cloudCheck(c, {
      roles: cloudRoles,
      credentialSource: t.cloud?.credentialRef ?? t.connect.credentialRef,
      note: (m) => reporter?.debug(m),
    });
    return { connect: guardConnectorCalls(c, check), check };
  }
  const declared: Ownership = t.project?.teams ?? {};
  const ownership = Object.keys(declared).length > 0 ? declared : (t.teams ?? {});
  return {
    connect: guardOwnership(c, { ownership, credentialSource: t.connect.credentialRef }),
    check: async () => {},
  };
}
