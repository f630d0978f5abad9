// connect pause, resume, stop, restart, delete: audited changes of a connector's state.
import { UserError, usageError, ExitCode } from '../../errors.js';
import { DEFAULT_STATE_WAIT_MS, overallState, type RestartOutcome } from '../../core/operate/connectors.js';
import {
  changeState,
  deleteConnector,
  restart as restartOne,
  restartFailed,
  TARGET_STATE as TARGET,
  type StateChange as Lifecycle,
} from '../../core/operations/lifecycle.js';
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

/** `--wait-timeout` of pause/resume/stop: how long to wait for the requested state (default 60 s). */
export function stateWaitOf(o: { waitTimeout?: string | undefined }): number {
  return o.waitTimeout === undefined ? DEFAULT_STATE_WAIT_MS : parseDuration(o.waitTimeout, '--wait-timeout');
}

// pause, resume and stop declare the same argument (the name) and the same --wait-timeout.
function lifecycle(action: Lifecycle): CommandHandler<typeof connectPauseCommand> {
  return onEnvironment<typeof connectPauseCommand>(async (ctx, args, o, env) => {
    const name = nameArg(args[0]);
    const r = await changeState(env, name, action, { timeoutMs: stateWaitOf(o) });
    const t = env.target;
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

export const restart = onEnvironment<typeof connectRestartCommand>(async (ctx, args, o, env) => {
  let outcomes: RestartOutcome[];
  if (o.allFailed) {
    if (args[0] !== undefined) throw usageError('USAGE', 'Give either a connector name or --all-failed, not both.');
    outcomes = await restartFailed(env);
  } else {
    const name = nameArg(args[0]);
    outcomes = [await restartOne(env, name, { onlyFailed: o.failedOnly, includeTasks: o.includeTasks })];
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

export const remove = onEnvironment<typeof connectDeleteCommand>(async (ctx, args, o, env) => {
  const name = nameArg(args[0]);
  const t = env.target;
  if (!o.approve) {
    throw new UserError('APPROVAL_REQUIRED', `Deleting ${name} needs --approve.`, {
      hint: t.isDev
        ? `Run \`kcops connect delete ${name} --approve\`.`
        : `In '${t.env}' connectors are managed from Git: delete its file and apply the plan (\`kcops plan --env ${t.env}\`). For an emergency, add --approve.`,
      exitCode: ExitCode.Usage,
    });
  }
  await deleteConnector(env, name);
  warnDrift(ctx, t, `The deletion of ${name}`);
  return { data: { connector: name, deleted: true }, human: (st) => `${st.green('✔')} deleted ${name}` };
});
