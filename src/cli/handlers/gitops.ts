import { serverAuditOf } from './server-audit.js';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ExitCode, isUserError, usageError } from '../../errors.js';
import type { Prepared } from '../../core/apply/deploy.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_POLL_MS,
  DEFAULT_SETTLE,
  DEFAULT_WAIT_TIMEOUT,
  type ApplyOptions,
} from '../../core/apply/types.js';
import { gitCommit, resolveActor } from '../../core/audit/actor.js';
import { readAudit, verifyAudit } from '../../core/audit/log.js';
import { committedHead } from '../../core/audit/git-anchor.js';
import { readInside, writeInside, type Boundary } from '../../core/fs/boundary.js';
import {
  deploy as deployPlan,
  drift as driftOf,
  plan as planOf,
  underDeployLock,
} from '../../core/operations/gitops.js';
import { deploymentHistory } from '../../core/operations/history.js';
import { auditLogFor, auditLogToVerify } from './audit-log.js';
import { resolveSettings } from '../../dev/settings.js';
import { hasChanges } from '../../core/plan/compute.js';
import { gitRevision } from '../../core/plan/desired.js';
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
import { parseDuration } from './duration.js';

export const plan: CommandHandler<typeof planCommand> = (ctx, _args, o) =>
  withGitopsTarget(ctx, async (t) => {
    const p = await planOf(t, { prune: o.prune === true, refreshSecrets: o.refreshSecrets }, ctx.reporter);
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
    const { report: data, plan } = await driftOf(t, ctx.reporter);
    const { changed: drifted, provisioning } = data;
    const still = provisioning.length
      ? '\n' + `Still provisioning on Confluent Cloud: ${provisioning.join(', ')} (\`kcops apply\` waits for them).`
      : '';
    return {
      data,
      human: (st) =>
        (data.drift
          ? renderPlan({ ...plan, changes: drifted }, st, 'Drift (what `kcops apply` would change to match Git)')
          : st.green(`No drift: ${t.env} matches Git (${plan.changes.length} connector(s)).`)) +
        (still ? st.yellow(still) : ''),
      exitCode: o.detailedExitcode === true && data.drift ? ExitCode.Changes : ExitCode.Ok,
    };
  });

export const apply: CommandHandler<typeof applyCommand> = (ctx, args, o) =>
  withGitopsTarget(ctx, async (t) => {
    const [planFile] = args;
    const saved = planFile ? parsePlan(readText(ctx, t.boundary, planFile), planFile) : undefined;
    const prune = o.prune === true || (saved?.changes.some((c) => c.action === 'delete') ?? false);
    return underDeployLock(t, lockOf(ctx, o, 'apply'), async () => {
      const p = await planOf(t, { prune, refreshSecrets: o.refreshSecrets, ...(saved ? { saved } : {}) }, ctx.reporter);
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
    return underDeployLock(t, lockOf(ctx, o, 'rollback'), async () => {
      // Rolling back to a revision means Git's view at that commit: connectors that did not exist then are deleted
      // (only in scope, and only with --approve-delete like any other deletion).
      const p = await planOf(t, { source, prune: o.prune === true, refreshSecrets: o.refreshSecrets }, ctx.reporter);
      return deploy(ctx, t, p, o, 'rollback', source.describe().replace(/^commit /, '') + ` (${ref})`);
    });
  });

/** The deploy lock's wait (--lock-timeout) and the run it is taken for. */
function lockOf(ctx: CliContext, o: DeployFlags, kind: 'apply' | 'rollback') {
  return { kind, timeoutMs: parseDuration(o.lockTimeout ?? '0s', '--lock-timeout'), reporter: ctx.reporter };
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
  const r = await deployPlan(t, p, {
    kind,
    options,
    commit,
    actorLabel: resolveActor(t.root, ctx.env),
    confirm: (prepared) => confirm(ctx, prepared, o.autoApprove === true, kind),
    reporter: ctx.reporter,
  });
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
  const list = deploymentHistory(records, env, server && { env: server.env, records: server.read.records });
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
