import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { userInfo } from 'node:os';
import { UserError } from '../../errors.js';
import type { ConnectCluster } from '../../connect/cluster.js';
import { SelfManagedCluster } from '../../connect/self-managed/client.js';
import { resolveTarget, type OpsTarget } from '../../core/observe/target.js';
import type { AuditSink, OpsAuditRecord } from '../../core/operate/audit.js';
import { resolveSettings } from '../../dev/settings.js';
import type { CliContext } from '../context.js';

/** The environment and its cluster for a day-2 command. */
export function opsTarget(ctx: CliContext): OpsTarget {
  return resolveTarget({
    cwd: ctx.cwd,
    processEnv: ctx.env,
    ...(ctx.globals.env ? { env: ctx.globals.env } : {}),
    ...(ctx.globals.config ? { config: ctx.globals.config } : {}),
  });
}

export function clusterFor(t: OpsTarget): ConnectCluster {
  if (t.clusterType === 'confluent-cloud') {
    throw new UserError('BACKEND_UNAVAILABLE', `Environment '${t.env}' is on Confluent Cloud, whose backend is not in this build yet.`, {
      hint: 'Use the confluent CLI for this environment meanwhile (`confluent connect cluster ...`).',
    });
  }
  return new SelfManagedCluster({
    urls: t.connect.urls,
    ...(t.connect.auth ? { auth: t.connect.auth } : {}),
    ...(t.connect.credentialRef ? { credentialRef: t.connect.credentialRef } : {}),
    timeoutMs: 15_000,
  });
}

/** Outside dev, a change made by hand differs from Git until someone commits it. */
export function warnDrift(ctx: CliContext, t: OpsTarget, what: string): void {
  if (!t.isDev) {
    ctx.reporter.warn(`${what} in '${t.env}' is not in Git: \`kcops drift --env ${t.env}\` will show it until the repository says the same.`);
  }
}

/**
 * Audit records of day-2 changes: appended as hash-chained JSON lines under the repository's (or dev home's)
 * .kcops/audit/. To be replaced by src/core/audit once that module lands, keeping the record shape.
 */
export function auditSinkFor(ctx: CliContext, t: OpsTarget): AuditSink {
  const root = t.projectRoot ?? resolveSettings({ env: ctx.env }).home;
  const file = join(root, '.kcops', 'audit', 'operations.jsonl');
  return {
    async append(r: OpsAuditRecord) {
      mkdirSync(dirname(file), { recursive: true });
      const prev = existsSync(file) ? (readFileSync(file, 'utf8').trimEnd().split('\n').pop() ?? '') : '';
      const prevHash = prev ? createHash('sha256').update(prev).digest('hex') : null;
      let actor = 'unknown';
      try {
        actor = ctx.env.KCOPS_ACTOR ?? userInfo().username;
      } catch {
        /* no passwd entry */
      }
      appendFileSync(file, JSON.stringify({ at: new Date().toISOString(), actor, ...r, prevHash }) + '\n');
    },
  };
}

export function nameArg(args: (string | string[] | undefined)[]): string {
  const n = args[0];
  if (typeof n !== 'string' || n.length === 0) throw new UserError('USAGE', 'A connector name is required.', { exitCode: 2 });
  return n;
}
