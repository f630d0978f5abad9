// connect pause, resume, stop, restart, delete: audited changes of a connector's state.
import { UserError, usageError, ExitCode } from '../../errors.js';
import { type TargetState } from '../../connect/cluster.js';
import {
  DEFAULT_STATE_WAIT_MS,
  overallState,
  requireStatus,
  restartAllFailed,
  restartConnector,
  waitForState,
  type RestartOutcome,
} from '../../core/operate/connectors.js';
import { parseDuration } from './duration.js';
import type { CommandHandler } from '../command-spec.js';
import type {
  connectDeleteCommand,
  connectPauseCommand,
  connectRestartCommand,
  connectResumeCommand,
  connectStopCommand,
} from '../commands/connect.js';
import { nameArg, warnDrift } from './ops-context.js';
import { onEnvironment } from './environment.js';
import { colourState, nextStep, statusLines } from './connect-view.js';

type Lifecycle = 'pause' | 'resume' | 'stop';
const TARGET: Record<Lifecycle, TargetState> = { pause: 'PAUSED', resume: 'RUNNING', stop: 'STOPPED' };

/** `--wait-timeout` of pause/resume/stop: how long to wait for the requested state (default 60 s). */
export function stateWaitOf(o: { waitTimeout?: string | undefined }): number {
  return o.waitTimeout === undefined ? DEFAULT_STATE_WAIT_MS : parseDuration(o.waitTimeout, '--wait-timeout');
}

// pause, resume and stop declare the same argument (the name) and the same --wait-timeout.
function lifecycle(action: Lifecycle): CommandHandler<typeof connectPauseCommand> {
  return onEnvironment<typeof connectPauseCommand>(async (ctx, args, o, { connect: c, target: t, audit }) => {
    const name = nameArg(args[0]);
    const timeoutMs = stateWaitOf(o);
    await requireStatus(c, name);
    const r = await audit(
      { action: `ops:${action}`, connector: name },
      async () => {
        await c[action](name);
        // Confluent Cloud's pause/resume answer 202 and move the state later: wait for it (bounded).
        return waitForState(c, name, TARGET[action], { timeoutMs, pollMs: 300 });
      },
      (x) => ({ state: x.status.state }),
    );
    const after = r.status;
    warnDrift(ctx, t, `${name} ${TARGET[action]}`);
    return {
      data: {
        connector: name,
        action,
        state: after.state,
        reached: r.reached,
        waitedMs: r.waitedMs,
        tasks: after.tasks.map((x) => ({ id: x.id, state: x.state })),
      },
      human: (st) =>
        `${r.reached ? st.green('✔') : st.yellow('…')} ${name}: ${colourState(st, after.state)}${r.reached ? '' : ` (asked for ${TARGET[action]}, not there after ${Math.round(r.waitedMs / 1000)} s; it may still be moving: \`kcops connect status ${name}\`)`}`,
      exitCode: overallState(after) === 'FAILED' ? ExitCode.Error : ExitCode.Ok,
    };
  });
}
export const pause: CommandHandler<typeof connectPauseCommand> = lifecycle('pause');
export const resume: CommandHandler<typeof connectResumeCommand> = lifecycle('resume');
export const stop: CommandHandler<typeof connectStopCommand> = lifecycle('stop');

export const restart = onEnvironment<typeof connectRestartCommand>(async (ctx, args, o, { connect: c, audit }) => {
  let outcomes: RestartOutcome[];
  if (o.allFailed) {
    if (args[0] !== undefined) throw usageError('USAGE', 'Give either a connector name or --all-failed, not both.');
    outcomes = await audit(
      { action: 'ops:restart-all-failed', connector: '*' },
      () => restartAllFailed(c),
      (r) => ({ connectors: r.map((x) => x.connector) }),
    );
  } else {
    const name = nameArg(args[0]);
    const req = { onlyFailed: o.failedOnly, includeTasks: o.includeTasks };
    outcomes = [
      await audit(
        { action: 'ops:restart', connector: name, details: req },
        () => restartConnector(c, name, req),
        (r) => ({ restarted: r.restarted, state: overallState(r.after) }),
      ),
    ];
  }
  const stillFailed = outcomes.filter((x) => overallState(x.after) === 'FAILED');
  return {
    data: {
      restarted: outcomes.map((x) => ({
        connector: x.connector,
        restarted: x.restarted,
        state: x.after.state,
        tasks: x.after.tasks.map((k) => ({ id: k.id, state: k.state })),
      })),
    },
    human: (st) =>
      outcomes.length === 0
        ? st.green('Nothing has failed: nothing to restart.')
        : outcomes
            .map((x) =>
              [
                `${overallState(x.after) === 'FAILED' ? st.red('✖') : st.green('✔')} ${st.bold(x.connector)}: restarted ${describeRestarted(x)}`,
                ...statusLines(st, x.after, false),
                ...nextStep(st, x.connector, x.after),
              ].join('\n'),
            )
            .join('\n\n'),
    exitCode: stillFailed.length > 0 ? ExitCode.Error : ExitCode.Ok,
  };
});

function describeRestarted(x: RestartOutcome): string {
  const parts = [];
  if (x.restarted.connector) parts.push('the connector');
  if (x.restarted.tasks.length)
    parts.push(`task${x.restarted.tasks.length > 1 ? 's' : ''} ${x.restarted.tasks.join(', ')}`);
  return parts.join(' and ') || 'nothing (nothing was failed)';
}

export const remove = onEnvironment<typeof connectDeleteCommand>(
  async (ctx, args, o, { connect: c, target: t, audit }) => {
    const name = nameArg(args[0]);
    if (!o.approve) {
      throw new UserError('APPROVAL_REQUIRED', `Deleting ${name} needs --approve.`, {
        hint: t.isDev
          ? `Run \`kcops connect delete ${name} --approve\`.`
          : `In '${t.env}' connectors are managed from Git: delete its file and apply the plan (\`kcops plan --env ${t.env}\`). For an emergency, add --approve.`,
        exitCode: ExitCode.Usage,
      });
    }
    await requireStatus(c, name);
    await audit({ action: 'ops:delete', connector: name }, () => c.delete(name));
    warnDrift(ctx, t, `The deletion of ${name}`);
    return { data: { connector: name, deleted: true }, human: (st) => `${st.green('✔')} deleted ${name}` };
  },
);
