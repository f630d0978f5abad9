import type { ApplyResult } from '../../core/apply/types.js';
import type { Plan, PlanAction } from '../../core/plan/types.js';
import type { Style } from '../context.js';
import { escapeControl as e } from './terminal.js';

const SYMBOL: Record<PlanAction, string> = {
  create: '+',
  update: '~',
  delete: '-',
  pause: '‖',
  resume: '▶',
  stop: '■',
  none: ' ',
};

/** The plan for people: one block per changed connector, with its fields; unchanged connectors only counted. */
export function renderPlan(plan: Plan, st: Style, heading = 'Plan'): string {
  const lines: string[] = [];
  const changed = plan.changes.filter((c) => c.action !== 'none');
  const colour = (a: PlanAction) =>
    a === 'create' || a === 'resume' ? st.green : a === 'delete' || a === 'stop' ? st.red : st.yellow;
  for (const c of changed) {
    // Names, keys and values come from files and the cluster: escaped, so none can add a line or hide one.
    lines.push(colour(c.action)(`${SYMBOL[c.action]} ${e(c.connector)}`) + st.dim(` (${c.action})`));
    for (const f of c.fields) {
      const before = f.before === null ? st.dim('(absent)') : e(f.before);
      const after = f.after === null ? st.dim('(absent)') : e(f.after);
      lines.push(
        `    ${e(f.key)}: ${c.action === 'create' ? after : c.action === 'delete' ? before : `${before} → ${after}`}`,
      );
    }
  }
  const count = (a: PlanAction) => plan.changes.filter((c) => c.action === a).length;
  const summary = (['create', 'update', 'delete', 'pause', 'resume', 'stop'] as const)
    .map((a) => [a, count(a)] as const)
    .filter(([, n]) => n > 0)
    .map(([a, n]) => `${n} to ${a}`);
  lines.push('');
  lines.push(
    st.bold(`${heading} for ${e(plan.env)}: ${summary.length ? summary.join(', ') : 'no changes'}`) +
      st.dim(`, ${count('none')} unchanged`),
  );
  if (plan.notInGit.length)
    lines.push(
      st.yellow(`In scope but not in Git: ${plan.notInGit.map(e).join(', ')}`) +
        st.dim(' (deleted only with --prune and --approve-delete)'),
    );
  if (plan.unmanaged.length)
    lines.push(st.dim(`Unmanaged (outside the ownership scope, never touched): ${plan.unmanaged.map(e).join(', ')}`));
  return lines.join('\n');
}

export function renderApply(r: ApplyResult, st: Style): string {
  if (r.status === 'no-changes') return st.green('No changes: the cluster already matches Git.');
  const lines = r.outcomes.map((o) => {
    const mark =
      o.result === 'applied'
        ? st.green('✔')
        : o.result === 'rolled-back' || o.result === 'not-started'
          ? st.yellow('↺')
          : o.result === 'pending'
            ? st.yellow('…')
            : o.result === 'conflict'
              ? st.yellow('!')
              : st.red('✘');
    let line = `${mark} ${e(o.connector)} ${st.dim(o.action)} ${o.result}`;
    if (o.waitedMs !== undefined && o.result === 'applied') line += st.dim(` (${(o.waitedMs / 1000).toFixed(1)} s)`);
    if (o.error) line += `\n    ${o.result === 'pending' ? st.yellow(e(o.error)) : st.red(e(o.error))}`;
    if (o.trace) line += `\n    ${st.dim(o.trace.split('\n').slice(0, 3).map(e).join('\n    '))}`;
    if (o.rollback)
      line += `\n    rollback: ${o.rollback.action} ${o.rollback.result === 'done' ? st.green('done') : o.rollback.result === 'skipped' ? st.yellow('skipped') : st.red('failed')}${o.rollback.error ? ` (${e(o.rollback.error)})` : ''}`;
    return line;
  });
  const others = r.conflicts.length
    ? ` ${r.conflicts.length} connector(s) were changed by someone else meanwhile and left as they are (${r.conflicts.map(e).join(', ')}): the cluster is NOT as it was before; run \`kcops plan\` again.`
    : '';
  const verdict =
    r.status === 'rolled-back' && others
      ? st.yellow(st.bold(`Apply failed; this apply's own changes were rolled back.${others}`))
      : r.status === 'applied'
        ? st.green(st.bold('Apply complete.'))
        : r.status === 'pending'
          ? st.yellow(
              st.bold(
                'Apply sent every change; Confluent Cloud is still provisioning some connector(s) (exit code 5). Nothing was rolled back: run `kcops apply` again later to wait for them, or `kcops drift` to check.',
              ),
            )
          : r.status === 'rolled-back'
            ? st.yellow(st.bold('Apply failed and was rolled back: the cluster is as it was before.'))
            : r.status === 'rollback-failed'
              ? st.red(st.bold(`Apply failed and the rollback did not complete: check the connectors above.${others}`))
              : st.red(st.bold(`Apply failed (rollback disabled): the cluster is partly changed.${others}`));
  return [...lines, '', verdict].join('\n');
}
