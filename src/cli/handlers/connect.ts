// connect list, status, describe: read-only views of the connectors.
import { usageError, ExitCode } from '../../errors.js';
import { toObservedState, type ObservedState } from '../../connect/cluster.js';
import { describeConnector, listConnectors, overallState, requireStatus } from '../../core/operate/connectors.js';
import type { connectDescribeCommand, connectListCommand, connectStatusCommand } from '../commands/connect.js';
import { table } from '../render/output.js';
import { nameArg } from './ops-context.js';
import { onEnvironment } from './environment.js';
import { colourState, firstLines, nextStep, statusLines } from './connect-view.js';

export const list = onEnvironment<typeof connectListCommand>(async (ctx, _args, o, { connect: c, target: t }) => {
  let regex: RegExp | undefined;
  if (o.regex !== undefined) {
    try {
      regex = new RegExp(o.regex);
    } catch (e) {
      throw usageError('USAGE', `--regex '${o.regex}' is not a regular expression: ${(e as Error).message}.`);
    }
  }
  const states = o.state !== undefined ? [parseState(o.state)] : undefined;
  const started = performance.now();
  const rows = await listConnectors(c, {
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(regex ? { regex } : {}),
    ...(states ? { states } : {}),
  });
  const ms = Math.round(performance.now() - started);
  ctx.reporter.debug(`connect list: ${rows.length} connectors in ${ms} ms`);
  return {
    data: { env: t.env, connectors: rows },
    human: (st) =>
      rows.length === 0
        ? `No connectors${o.name || o.regex || o.state ? ' match' : ''} in '${t.env}'.`
        : table(
            ['NAME', 'TYPE', 'STATE', 'TASKS', 'CLASS'],
            rows.map((r) => [
              r.name,
              r.type,
              colourState(st, r.tasks.failed > 0 && r.state === 'RUNNING' ? 'FAILED' : r.state),
              `${r.tasks.running}/${r.tasks.total}${r.tasks.failed ? st.red(` (${r.tasks.failed} failed)`) : ''}`,
              r.class.split('.').pop() ?? r.class,
            ]),
          ),
  };
});

function parseState(s: string): ObservedState {
  const v = toObservedState(s.toUpperCase());
  if (v === 'UNKNOWN')
    throw usageError(
      'USAGE',
      `--state '${s}' is not a connector state.`,
      'Use RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED or RESTARTING.',
    );
  return v;
}

export const status = onEnvironment<typeof connectStatusCommand>(async (ctx, args, _o, { connect: c }) => {
  const name = nameArg(args[0]);
  const s = await requireStatus(c, name);
  const overall = overallState(s);
  return {
    data: { ...s, overall },
    human: (st) =>
      [
        `${st.bold(name)} (${s.type}): ${colourState(st, overall)}`,
        '',
        ...statusLines(st, s, true),
        ...nextStep(st, name, s),
      ].join('\n'),
    exitCode: overall === 'FAILED' ? ExitCode.Error : ExitCode.Ok,
  };
});

export const describe = onEnvironment<typeof connectDescribeCommand>(async (ctx, args, _o, { connect: c }) => {
  const d = await describeConnector(c, nameArg(args[0]));
  return {
    data: d,
    human: (st) => {
      const cfg = Object.entries(d.config).sort(([a], [b]) => a.localeCompare(b));
      const out = [
        `${st.bold(d.name)}  ${d.type}  ${colourState(st, d.overall)}`,
        `class    ${d.class}`,
        `workers  ${d.workers.join(', ') || '-'}`,
        `topics   ${d.topics === null ? st.dim('(topic tracking disabled)') : d.topics.join(', ') || '-'}`,
        '',
        st.bold('Tasks'),
        table(
          ['TASK', 'STATE', 'WORKER'],
          d.tasks.map((t) => [String(t.id), colourState(st, t.state), t.workerId ?? '-']),
        ),
        '',
        st.bold('Config') + st.dim(' (literal secrets masked; references shown)'),
        table(
          ['KEY', 'VALUE'],
          cfg.map(([k, v]) => [k, v]),
        ),
      ];
      for (const x of [
        { label: 'connector', trace: d.trace },
        ...d.tasks.map((t) => ({ label: `task ${t.id}`, trace: t.trace })),
      ])
        if (x.trace) out.push('', st.red(`Trace of the ${x.label}:`), firstLines(x.trace, 15));
      return out.join('\n');
    },
    exitCode: ExitCode.Ok,
  };
});
