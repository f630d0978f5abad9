import { buildHistory } from '../../core/audit/history.js';
import { serverAuditOf } from './server-audit.js';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ExitCode, isUserError, usageError } from '../../errors.js';
import { applyPrepared, preparePlan, recordAppliedSecrets, type Prepared } from '../../core/apply/deploy.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_POLL_MS,
  DEFAULT_SETTLE,
  DEFAULT_WAIT_TIMEOUT,
  type ApplyOptions,
} from '../../core/apply/types.js';
import { previousConfigs } from '../../core/apply/previous-revisions.js';
import { gitCommit, resolveActor } from '../../core/audit/actor.js';
import { authenticatedActor } from '../../core/audit/principal.js';
import { assertAuditAppendable, readAudit, verifyAudit } from '../../core/audit/log.js';
import { committedHead } from '../../core/audit/git-anchor.js';
import { lockDeployment } from '../../core/apply/deploy-lock.js';
import { readInside, writeInside, type Boundary } from '../../core/fs/boundary.js';
import { auditLogFor, auditLogToVerify } from './audit-log.js';
import { resolveSettings } from '../../dev/settings.js';
import { hasChanges } from '../../core/plan/compute.js';
import { gitRevision, workingTree } from '../../core/plan/desired.js';
import { parsePlan } from '../../core/plan/plan-file.js';
import type { CommandHandler, OptionsFor } from '../command-spec.js';
import type {
  applyCommand,
  auditVerifyCommand,
  driftCommand,
  historyCommand,
  planCommand,
  rollbackCommand,
} from '../commands/gitops.js';
import type { CliContext, CommandResult } from '../context.js';
import { renderApply, renderPlan } from '../render/plan.js';
import { planMarkdown } from '../render/plan-markdown.js';
import { makeStyle } from '../render/style.js';
import { checkDeclaredEnv, withGitopsTarget, type GitopsTarget } from './gitops-target.js';
import { findUnreadableReferences, unreadableError } from '../../core/secrets/preflight.js';
import { parseDuration } from './duration.js';

export const plan: CommandHandler<typeof planCommand> = (ctx, _args, o) =>
  withGitopsTarget(ctx, async (t) => {
    const p = await preparePlan({
      cluster: t.cluster,
      source: workingTree(t.root),
      env: t.env,
      prune: o.prune === true,
      ownedPrefixes: t.ownedPrefixes,
      reporter: ctx.reporter,
      ...secretsOf(t, o),
    });
    reportRefresh(ctx, p);
    if (o.out !== undefined) {
      writeInside(t.boundary, resolve(ctx.cwd, o.out), JSON.stringify(p.plan, null, 2) + '\n');
      ctx.reporter.info(`Plan written to ${o.out}; apply it with \`kcops apply --env ${t.env} ${o.out}\`.`);
    }
    const changes = hasChanges(p.plan);
    return {
      data: p.plan,
      human: (st) => renderPlan(p.plan, st),
      reports: { markdown: () => planMarkdown(p.plan, { commit: gitCommit(t.root) }) },
      exitCode: o.detailedExitcode === true && changes ? ExitCode.Changes : ExitCode.Ok,
    };
  });

export const drift: CommandHandler<typeof driftCommand> = (ctx, _args, o) =>
  withGitopsTarget(ctx, async (t) => {
    const p = await preparePlan({
      cluster: t.cluster,
      source: workingTree(t.root),
      env: t.env,
      prune: false,
      ownedPrefixes: t.ownedPrefixes,
      reporter: ctx.reporter,
    });
    const drifted = p.plan.changes.filter((c) => c.action !== 'none');
    // Connectors an apply left still provisioning (Confluent Cloud, exit code 5): no drift, but not done either.
    const inGit = new Set(p.plan.changes.map((c) => c.connector));
    const provisioning = p.actual.connectors
      .filter((c) => inGit.has(c.name) && (c.status.state === 'PROVISIONING' || c.status.state === 'NONE'))
      .map((c) => c.name);
    const data = {
      env: t.env,
      drift: drifted.length > 0 || p.plan.notInGit.length > 0,
      changed: drifted,
      notInGit: p.plan.notInGit,
      unmanaged: p.plan.unmanaged,
      provisioning,
    };
    const still = provisioning.length
      ? '\n' + `Still provisioning on Confluent Cloud: ${provisioning.join(', ')} (\`kcops apply\` waits for them).`
      : '';
    return {
      data,
      human: (st) =>
        (data.drift
          ? renderPlan({ ...p.plan, changes: drifted }, st, 'Drift (what `kcops apply` would change to match Git)')
          : st.green(`No drift: ${t.env} matches Git (${p.plan.changes.length} connector(s)).`)) +
        (still ? st.yellow(still) : ''),
      exitCode: o.detailedExitcode === true && data.drift ? ExitCode.Changes : ExitCode.Ok,
    };
  });

export const apply: CommandHandler<typeof applyCommand> = (ctx, args, o) =>
  withGitopsTarget(ctx, async (t) => {
    const [planFile] = args;
    const saved = planFile ? parsePlan(readText(ctx, t.boundary, planFile), planFile) : undefined;
    const prune = o.prune === true || (saved?.changes.some((c) => c.action === 'delete') ?? false);
    return underDeployLock(ctx, t, o, 'apply', async () => {
      const p = await preparePlan({
        cluster: t.cluster,
        source: workingTree(t.root),
        env: t.env,
        prune,
        ownedPrefixes: t.ownedPrefixes,
        reporter: ctx.reporter,
        ...(saved ? { saved } : {}),
        ...secretsOf(t, o),
      });
      reportRefresh(ctx, p);
      return deploy(ctx, t, p, o, 'apply', gitCommit(t.root, `connectors/${t.env}`));
    });
  });

export const rollback: CommandHandler<typeof rollbackCommand> = (ctx, _args, o) =>
  withGitopsTarget(ctx, async (t) => {
    const ref = o.to;
    // Declared without a value marker that commander enforces; before typed options, a missing --to reached Git as 'undefined'.
    if (ref === undefined)
      throw usageError(
        'USAGE',
        'rollback needs --to <git-ref>.',
        'See `kcops history` for the revisions to go back to.',
      );
    const source = gitRevision(t.root, ref);
    return underDeployLock(ctx, t, o, 'rollback', async () => {
      // Rolling back to a revision means Git's view at that commit: connectors that did not exist then are deleted
      // (only in scope, and only with --approve-delete like any other deletion).
      const p = await preparePlan({
        cluster: t.cluster,
        source,
        env: t.env,
        prune: o.prune === true,
        ownedPrefixes: t.ownedPrefixes,
        reporter: ctx.reporter,
        ...secretsOf(t, o),
      });
      return deploy(ctx, t, p, o, 'rollback', source.describe().replace(/^commit /, '') + ` (${ref})`);
    });
  });

/**
 * One deployment per environment at a time: the lock is taken before the cluster is read (a plan made while another
 * run changes the cluster would be stale) and released once the audit log has the records. The log is checked first,
 * so a torn or cut log stops the run before anything changes instead of after.
 */
async function underDeployLock(
  ctx: CliContext,
  t: GitopsTarget,
  o: DeployFlags,
  kind: 'apply' | 'rollback',
  run: () => Promise<CommandResult>,
): Promise<CommandResult> {
  const lock = await lockDeployment({
    boundary: t.boundary,
    root: t.root,
    env: t.env,
    purpose: `kcops ${kind} --env ${t.env}`,
    timeoutMs: parseDuration(o.lockTimeout ?? '0s', '--lock-timeout'),
    reporter: ctx.reporter,
  });
  try {
    assertAuditAppendable(t.auditFile, { boundary: t.auditLog.boundary });
    return await run();
  } finally {
    lock.release();
  }
}

/** The flags apply and rollback share (deployOptions in commands/gitops.ts). */
type DeployFlags = OptionsFor<typeof applyCommand> | OptionsFor<typeof rollbackCommand>;

async function deploy(
  ctx: CliContext,
  t: GitopsTarget,
  p: Prepared,
  o: DeployFlags,
  kind: 'apply' | 'rollback',
  commit: string | null,
): Promise<CommandResult> {
  // A flag wins over the environment's `deploy:` settings in kcops.yaml, which win over kcops' defaults.
  const d = t.deploy ?? {};
  const options: ApplyOptions = {
    concurrency: o.concurrency ?? d.concurrency ?? DEFAULT_CONCURRENCY,
    rollback: o.rollback !== false,
    approvedDeletes: new Set(o.approveDelete ?? []),
    wait: {
      timeoutMs: parseDuration(o.waitTimeout ?? d.waitTimeout ?? DEFAULT_WAIT_TIMEOUT, '--wait-timeout'),
      settleMs: parseDuration(o.settle ?? d.settle ?? DEFAULT_SETTLE, '--settle'),
      pollMs: DEFAULT_POLL_MS,
    },
  };
  if (options.concurrency < 1) throw usageError('USAGE', '--concurrency must be at least 1.');
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
  if (hasChanges(p.plan)) {
    await confirm(ctx, p, o.autoApprove === true, kind);
  }
  // Where a rollback on Cloud finds the secrets the snapshot has masked: the revisions the audit log says were applied.
  const previous = previousConfigs(t.root, t.env, () => readAudit(t.auditFile, t.auditLog.boundary).records);
  const r = await applyPrepared(
    p,
    t.cluster,
    ctx.reporter,
    { ...options, previous },
    {
      file: t.auditFile,
      ...(await authenticatedActor(t.cluster, resolveActor(t.root, ctx.env))),
      gitCommit: commit,
      kind,
      mirror: t.auditMirror,
      log: { boundary: t.auditLog.boundary, ...(t.auditLog.key ? { key: t.auditLog.key } : {}) },
    },
  );
  if (t.secrets) await recordAppliedSecrets({ ...t.secrets, refresh: false }, p, r.outcomes);
  return {
    data: {
      env: r.env,
      status: r.status,
      deploymentId: r.deploymentId,
      plan: p.plan,
      outcomes: r.outcomes,
      conflicts: r.conflicts,
    },
    human: (st) => renderApply(r, st),
    exitCode: r.exitCode,
  };
}

/** Shows the plan on stderr and asks, on a TTY only; without one it never waits for input. */
async function confirm(ctx: CliContext, p: Prepared, autoApprove: boolean, kind: string): Promise<void> {
  if (autoApprove) return;
  const interactive = process.stdin.isTTY === true && ctx.isTTY && ctx.globals.output === 'human';
  if (!interactive) {
    throw usageError(
      'APPROVAL_REQUIRED',
      `Refusing to ${kind} without confirmation: there is no terminal to ask on.`,
      'Review `kcops plan` output, then pass --auto-approve (CI: after the manual-approval step).',
    );
  }
  const st = makeStyle(ctx.globals.color);
  ctx.stderr.write(renderPlan(p.plan, st) + '\n\n');
  const rl = createInterface({ input: process.stdin, output: ctx.stderr });
  try {
    const answer = await rl.question(`Apply these changes to ${p.plan.env}? Only 'yes' is accepted: `);
    if (answer.trim() !== 'yes') throw usageError('APPLY_CANCELLED', 'Nothing was changed.', undefined);
  } finally {
    rl.close();
  }
}

export const history: CommandHandler<typeof historyCommand> = async (ctx) => {
  const env = ctx.globals.env;
  const server = env ? serverAuditOf(ctx, env) : undefined;
  // Outside a repository, day-2 commands on the dev stack write to the log in its home (ops-context): read that one.
  const { file, boundary } = server?.localStack
    ? auditLogFor(ctx, resolveSettings({ env: ctx.env }).home, undefined)
    : auditLogToVerify(ctx, undefined);
  const { records } = readAudit(file, boundary);
  if (env) checkDeclaredEnv(ctx, env, (e) => server !== undefined || records.some((r) => r.env === e));
  const list = buildHistory(records, env, server && { env: server.env, records: server.read.records });
  return {
    data: { file, ...(server ? { serverAuditFiles: server.files } : {}), deployments: list },
    human: (st) =>
      list.length === 0
        ? st.dim(`No deployments recorded in ${file}${env ? ` for ${env}` : ''}.`)
        : list
            .map((d) =>
              [
                d.source === 'server'
                  ? `${st.bold(d.time)}  ${d.env}  ${d.outcome === 'applied' ? st.green(d.outcome) : st.red(d.outcome)}  ${d.actor}${st.dim(` (key ${d.keyId ?? '?'}, straight to worker ${d.worker ?? '?'}, not through kcops)`)}`
                  : `${st.bold(d.time)}  ${d.env}  ${d.outcome === 'applied' ? st.green(d.outcome) : st.red(d.outcome)}  ${d.actor}${d.actorLabel ? st.dim(` (${d.actorLabel})`) : ''}  ${st.dim(d.gitCommit ?? '(no commit)')}`,
                ...d.changes.map(
                  (c) =>
                    `    ${c.connector} ${st.dim(c.action)} ${c.result}${c.detail ? st.dim(` — ${c.detail}`) : ''}`,
                ),
              ].join('\n'),
            )
            .join('\n'),
  };
};

export const auditVerify: CommandHandler<typeof auditVerifyCommand> = async (ctx, args, o) => {
  const log = auditLogToVerify(ctx, args[0]);
  const v = verifyAudit(log.file, {
    boundary: log.boundary,
    ...(log.key ? { key: log.key } : {}),
    ...(log.keyUnavailable ? { keyUnavailable: log.keyUnavailable } : {}),
    requireHmac: o.requireHmac === true,
    ...(typeof o.since === 'string' ? { since: committedHead(log.file, o.since) } : {}),
  });
  const how = v.hmac === 'verified' ? 'hash chain and HMACs verified' : 'hash chain verified';
  return {
    data: v,
    human: (st) =>
      [
        v.ok
          ? st.green(`Audit log intact: ${v.records} record(s) in ${v.file}, ${how}.`)
          : st.red(st.bold(`Audit log TAMPERED: ${v.problems.length} problem(s) in ${v.file}`)),
        ...v.problems.map((p) => `  record ${p.seq ?? `line ${p.line}`}: ${p.problem} — ${p.detail}`),
        ...v.notices.map((n) => st.dim(`  note: ${n}`)),
      ].join('\n'),
    exitCode: v.ok ? ExitCode.Ok : ExitCode.Error,
  };
};

/** A saved plan: under the repository, never read through a link out of it (like every connector file). */
function readText(ctx: CliContext, boundary: Boundary, path: string): string {
  try {
    return readInside(boundary, resolve(ctx.cwd, path)).toString('utf8');
  } catch (e) {
    if (isUserError(e)) throw e;
    throw usageError(
      'PLAN_UNREADABLE',
      `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}.`,
      'Pass the file written by `kcops plan --out`.',
    );
  }
}

/** The environment's secrets for preparePlan: Cloud secret-manager references, and --refresh-secrets. */
function secretsOf(t: GitopsTarget, o: { readonly refreshSecrets: boolean }) {
  return t.secrets ? { secrets: { ...t.secrets, refresh: o.refreshSecrets } } : {};
}

/** What --refresh-secrets found, on stderr (names of connectors and keys only, never values). */
function reportRefresh(ctx: CliContext, p: Prepared): void {
  const r = p.refresh;
  if (!r) return;
  for (const c of r.changed)
    ctx.reporter.info(
      `Secret of ${c.connector} (${c.key}) changed in its store since the last apply: update proposed.`,
    );
  if (r.noBaseline.length > 0)
    ctx.reporter.warn(
      `No secret baseline for ${r.noBaseline.join(', ')} (not applied by kcops from here yet, or another key): a rotated secret there cannot be detected until the next apply records one.`,
    );
}
