import { redactValue } from '../../core/secrets/sensitive.js';
import {
  STATE_FIELD,
  type ConnectorChange,
  type FieldChange,
  type Plan,
  type PlanAction,
} from '../../core/plan/types.js';
import { escapeControl } from './terminal.js';

/**
 * The HTML comment a pipeline looks for to update its plan comment in place instead of adding one per push. One per
 * environment; a pipeline that plans several environments joins their sections under its own marker.
 */
export const planMarker = (env: string): string => `<!-- kcops-plan:${cell(env)} -->`;

const ICON: Record<PlanAction, string> = {
  create: '🟢 create',
  update: '🟡 update',
  delete: '🔴 delete',
  pause: '⏸️ pause',
  resume: '▶️ resume',
  stop: '⏹️ stop',
  none: 'none',
};

/**
 * Text for a Markdown table cell or summary: control characters escaped (no value can add a line or a row), and the
 * characters Markdown or HTML would interpret written as entities, so a connector name cannot inject a link, an image
 * or a closing </details>.
 */
export function cell(s: string): string {
  return escapeControl(s).replace(/[&<>|`*_~[\]\\!#]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A value as a cell: sensitive values were already replaced by placeholders in the plan; redacted again here. */
function value(f: FieldChange, v: string | null): string {
  if (v === null) return '_(absent)_';
  const shown = f.sensitive ? v : redactValue(f.key, v);
  return `<code>${cell(shown)}</code>`;
}

function fieldTable(c: ConnectorChange): string[] {
  const rows = c.fields.map((f) => {
    const key = f.key === STATE_FIELD ? '_state_' : `<code>${cell(f.key)}</code>`;
    if (c.action === 'create') return `| ${key} | | ${value(f, f.after)} |`;
    if (c.action === 'delete') return `| ${key} | ${value(f, f.before)} | |`;
    return `| ${key} | ${value(f, f.before)} | ${value(f, f.after)} |`;
  });
  return ['| Field | Before | After |', '| --- | --- | --- |', ...rows];
}

/**
 * `kcops plan -o markdown`: a pull-request comment. A summary table of the changed connectors, then each connector's
 * field diff in a collapsible <details>. Secret values never appear: the plan holds only placeholders for them
 * ("(sensitive value changed)"), and every other value passes the one redaction (core/secrets/sensitive.ts).
 */
export function planMarkdown(plan: Plan, context: { commit?: string | null } = {}): string {
  const changed = plan.changes.filter((c) => c.action !== 'none');
  const count = (a: PlanAction) => plan.changes.filter((c) => c.action === a).length;
  const summary = (['create', 'update', 'delete', 'pause', 'resume', 'stop'] as const)
    .filter((a) => count(a) > 0)
    .map((a) => `${count(a)} to ${a}`);
  const out: string[] = [planMarker(plan.env), `### kcops plan: \`${cell(plan.env).replace(/`/g, '')}\``, ''];
  out.push(
    `**${summary.length ? summary.join(', ') : 'No changes'}**, ${count('none')} unchanged` +
      (context.commit ? ` (at ${cell(context.commit.slice(0, 12))})` : '') +
      '.',
    '',
  );
  if (changed.length > 0) {
    out.push('| Action | Connector | Fields |', '| --- | --- | --- |');
    for (const c of changed) out.push(`| ${ICON[c.action]} | <code>${cell(c.connector)}</code> | ${c.fields.length} |`);
    out.push('');
    for (const c of changed) {
      out.push(
        '<details>',
        `<summary><code>${cell(c.connector)}</code>: ${c.action}, ${c.fields.length} field${c.fields.length === 1 ? '' : 's'}</summary>`,
        '',
        ...fieldTable(c),
        '',
        '</details>',
        '',
      );
    }
  }
  if (plan.notInGit.length > 0)
    out.push(
      `In scope but not in Git (deleted only with \`--prune\` and a named \`--approve-delete\`): ${plan.notInGit.map((n) => `<code>${cell(n)}</code>`).join(', ')}`,
      '',
    );
  if (plan.unmanaged.length > 0)
    out.push(
      `Unmanaged (outside the ownership scope, never touched): ${plan.unmanaged.map((n) => `<code>${cell(n)}</code>`).join(', ')}`,
      '',
    );
  return out.join('\n');
}
