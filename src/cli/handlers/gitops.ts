import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ExitCode, usageError } from '../../errors.js';
import { applyPrepared, preparePlan, type Prepared } from '../../core/apply/deploy.js';
import type { ApplyOptions } from '../../core/apply/types.js';
import { gitCommit, resolveActor } from '../../core/audit/actor.js';
import { readAudit, verifyAudit } from '../../core/audit/log.js';
import { hasChanges } from '../../core/plan/compute.js';
import { gitRevision, workingTree } from '../../core/plan/desired.js';
import { parsePlan } from '../../core/plan/plan-file.js';
import type { CommandHandler } from '../command-spec.js';
import type { CliContext, CommandResult } from '../context.js';
import { renderApply, renderPlan } from '../render/plan.js';
import { makeStyle } from '../render/style.js';
import { auditFile, checkDeclaredEnv, gitopsTarget, projectRootOrCwd } from './gitops-target.js';
import { parseDuration } from './duration.js';

export const plan: CommandHandler = async (ctx, _args, o) => {
  const t = gitopsTarget(ctx);
  const p = await preparePlan({
    cluster: t.cluster,
    source: workingTree(t.root),
    env: t.env,
    prune: o.prune === true,
    ownedPrefixes: t.ownedPrefixes,
    reporter: ctx.reporter,
  });
  if (typeof o.out === 'string') {
    writeFileSync(resolve(ctx.cwd, o.out), JSON.stringify(p.plan, null, 2) + '\n');
    ctx.reporter.info(`Plan written to ${o.out}; apply it with \`kcops apply --env ${t.env} ${o.out}\`.`);
  }
  const changes = hasChanges(p.plan);
  return {
    data: p.plan,
    human: (st) => renderPlan(p.plan, st),
    exitCode: o.detailedExitcode === true && changes ? ExitCode.Changes : ExitCode.Ok,
  };
};

export const drift: CommandHandler = async (ctx, _args, o) => {
  const t = gitopsTarget(ctx);
  const p = await preparePlan({
    cluster: t.cluster,
    source: workingTree(t.root),
    env: t.env,
    prune: false,
    ownedPrefixes: t.ownedPrefixes,
    reporter: ctx.reporter,
  });
  const drifted = p.plan.changes.filter((c) => c.action !== 'none');
  const data = {
    env: t.env,
    drift: drifted.length > 0 || p.plan.notInGit.length > 0,
    changed: drifted,
    notInGit: p.plan.notInGit,
    unmanaged: p.plan.unmanaged,
  };
  return {
    data,
    human: (st) =>
      data.drift
        ? renderPlan({ ...p.plan, changes: drifted }, st, 'Drift (what `kcops apply` would change to match Git)')
        : st.green(`No drift: ${t.env} matches Git (${p.plan.changes.length} connector(s)).`),
    exitCode: o.detailedExitcode === true && data.drift ? ExitCode.Changes : ExitCode.Ok,
  };
};

export const apply: CommandHandler = async (ctx, args, o) => {
  const t = gitopsTarget(ctx);
  const planFile = typeof args[0] === 'string' ? args[0] : undefined;
  const saved = planFile ? parsePlan(readText(ctx, planFile), planFile) : undefined;
  const prune = o.prune === true || (saved?.changes.some((c) => c.action === 'delete') ?? false);
  const p = await preparePlan({
    cluster: t.cluster,
    source: workingTree(t.root),
    env: t.env,
    prune,
    ownedPrefixes: t.ownedPrefixes,
    reporter: ctx.reporter,
    ...(saved ? { saved } : {}),
  });
  return deploy(ctx, t, p, o, 'apply', gitCommit(t.root, `connectors/${t.env}`));
};

export const rollback: CommandHandler = async (ctx, _args, o) => {
  const t = gitopsTarget(ctx);
  const ref = String(o.to);
  const source = gitRevision(t.root, ref);
  // Rolling back to a revision means Git's view at that commit: connectors that did not exist then are deleted
  // (only in scope, and only with --approve-delete like any other deletion).
  const p = await preparePlan({
    cluster: t.cluster,
    source,
    env: t.env,
    prune: o.prune === true,
    ownedPrefixes: t.ownedPrefixes,
    reporter: ctx.reporter,
  });
  return deploy(ctx, t, p, o, 'rollback', source.describe().replace(/^commit /, '') + ` (${ref})`);
};

async function deploy(
  ctx: CliContext,
  t: ReturnType<typeof gitopsTarget>,
  p: Prepared,
  o: Record<string, unknown>,
  kind: 'apply' | 'rollback',
  commit: string | null,
): Promise<CommandResult> {
  const options: ApplyOptions = {
    concurrency: typeof o.concurrency === 'number' ? o.concurrency : 8,
    rollback: o.rollback !== false,
    approvedDeletes: new Set(Array.isArray(o.approveDelete) ? (o.approveDelete as string[]) : []),
    wait: {
      timeoutMs: parseDuration(String(o.waitTimeout ?? '120s'), '--wait-timeout'),
      settleMs: parseDuration(String(o.settle ?? '5s'), '--settle'),
      pollMs: 500,
    },
  };
  if (options.concurrency < 1) throw usageError('USAGE', '--concurrency must be at least 1.');
  if (hasChanges(p.plan)) {
    await confirm(ctx, p, o.autoApprove === true, kind);
  }
  const r = await applyPrepared(p, t.cluster, ctx.reporter, options, {
    file: t.auditFile,
    actor: resolveActor(t.root, ctx.env),
    gitCommit: commit,
    kind,
    mirror: t.auditMirror,
  });
  return {
    data: { env: r.env, status: r.status, deploymentId: r.deploymentId, plan: p.plan, outcomes: r.outcomes },
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

export const history: CommandHandler = async (ctx) => {
  const file = auditFile(ctx, projectRootOrCwd(ctx));
  const env = ctx.globals.env;
  const { records } = readAudit(file);
  if (env) checkDeclaredEnv(ctx, env, (e) => records.some((r) => r.env === e));
  const deployments = new Map<
    string,
    {
      deploymentId: string;
      time: string;
      actor: string;
      gitCommit: string | null;
      env: string;
      changes: { connector: string; action: string; result: string; detail?: string }[];
    }
  >();
  for (const r of records) {
    if (env && r.env !== env) continue;
    let d = deployments.get(r.deploymentId);
    if (!d)
      deployments.set(
        r.deploymentId,
        (d = {
          deploymentId: r.deploymentId,
          time: r.time,
          actor: r.actor,
          gitCommit: r.gitCommit,
          env: r.env,
          changes: [],
        }),
      );
    d.changes.push({
      connector: r.connector,
      action: r.action,
      result: r.result,
      ...(r.detail ? { detail: r.detail } : {}),
    });
  }
  const list = [...deployments.values()].map((d) => ({ ...d, outcome: outcomeOf(d.changes) })).reverse();
  return {
    data: { file, deployments: list },
    human: (st) =>
      list.length === 0
        ? st.dim(`No deployments recorded in ${file}${env ? ` for ${env}` : ''}.`)
        : list
            .map((d) =>
              [
                `${st.bold(d.time)}  ${d.env}  ${d.outcome === 'applied' ? st.green(d.outcome) : st.red(d.outcome)}  ${d.actor}  ${st.dim(d.gitCommit ?? '(no commit)')}`,
                ...d.changes.map(
                  (c) =>
                    `    ${c.connector} ${st.dim(c.action)} ${c.result}${c.detail ? st.dim(` — ${c.detail}`) : ''}`,
                ),
              ].join('\n'),
            )
            .join('\n'),
  };
};

/** The deployment's verdict from its per-connector records (same words as `apply -o json` status). */
function outcomeOf(changes: { result: string; detail?: string }[]): string {
  if (changes.some((c) => c.result === 'rollback-failed')) return 'rollback-failed';
  if (!changes.some((c) => c.result === 'failed')) return 'applied';
  return changes.some((c) => c.detail?.includes('rollback')) ? 'rolled-back' : 'failed';
}

export const auditVerify: CommandHandler = async (ctx, args) => {
  const file = typeof args[0] === 'string' ? resolve(ctx.cwd, args[0]) : auditFile(ctx, projectRootOrCwd(ctx));
  const v = verifyAudit(file);
  return {
    data: v,
    human: (st) =>
      v.ok
        ? st.green(`Audit log intact: ${v.records} record(s) in ${file}, hash chain verified.`)
        : [
            st.red(st.bold(`Audit log TAMPERED: ${v.problems.length} problem(s) in ${file}`)),
            ...v.problems.map((p) => `  record ${p.seq ?? `line ${p.line}`}: ${p.problem} — ${p.detail}`),
          ].join('\n'),
    exitCode: v.ok ? ExitCode.Ok : ExitCode.Error,
  };
};

function readText(ctx: CliContext, path: string): string {
  try {
    return readFileSync(resolve(ctx.cwd, path), 'utf8');
  } catch (e) {
    throw usageError(
      'PLAN_UNREADABLE',
      `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}.`,
      'Pass the file written by `kcops plan --out`.',
    );
  }
}
