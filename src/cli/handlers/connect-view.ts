// What the connect handlers share when they render: state colours, status tables, traces, the next step.
import { type ConnectorStatus } from '../../connect/cluster.js';
import { overallState } from '../../core/operate/connectors.js';
import type { CliContext, Style } from '../context.js';
import { table } from '../render/output.js';

export function colourState(st: Style, s: string): string {
  if (s === 'RUNNING') return st.green(s);
  if (s === 'FAILED') return st.red(st.bold(s));
  if (s === 'DEGRADED') return st.red(s);
  // Confluent Cloud's in-between states (NONE before provisioning starts, DELETED before it is gone) as themselves.
  if (['PAUSED', 'STOPPED', 'RESTARTING', 'UNASSIGNED', 'PROVISIONING', 'NONE', 'DELETED'].includes(s))
    return st.yellow(s);
  return s;
}

export function statusLines(st: Style, s: ConnectorStatus, withTraces: boolean): string[] {
  const lines = [
    table(
      ['', 'STATE', 'WORKER'],
      [
        ['connector', colourState(st, s.state), s.workerId ?? '-'],
        ...s.tasks.map((t) => [`task ${t.id}`, colourState(st, t.state), t.workerId ?? '-']),
      ],
    ),
  ];
  if (withTraces) {
    for (const x of [
      { label: 'connector', trace: s.trace },
      ...s.tasks.map((t) => ({ label: `task ${t.id}`, trace: t.trace })),
    ]) {
      if (x.trace) lines.push('', st.red(`Trace of the ${x.label}:`), firstLines(x.trace, 12));
    }
  }
  return lines;
}

export function firstLines(s: string, n: number): string {
  const l = s.split('\n');
  return l.length > n ? [...l.slice(0, n), `\t... ${l.length - n} more lines (-o json has all)`].join('\n') : s;
}

export function nextStep(st: Style, name: string, s: ConnectorStatus): string[] {
  if (overallState(s) !== 'FAILED') return [];
  return [
    '',
    st.dim(
      `Next: \`kcops connect logs ${name} --level ERROR\`, then \`kcops connect restart ${name} --include-tasks --failed-only\` (runbook: docs/runbooks/failed-task.md)`,
    ),
  ];
}

/** Follow mode writes as it goes, so it styles lines itself (same rules as the renderer). */
export function styleOf(ctx: CliContext): Style {
  const id = (s: string) => s;
  if (!ctx.globals.color || ctx.globals.output !== 'human')
    return { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };
  const w = (a: number, b: number) => (s: string) => `\u001b[${a}m${s}\u001b[${b}m`;
  return { bold: w(1, 22), dim: w(2, 22), red: w(31, 39), green: w(32, 39), yellow: w(33, 39), cyan: w(36, 39) };
}
