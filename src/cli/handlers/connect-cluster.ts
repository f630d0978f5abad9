import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode, UserError, usageError } from '../../errors.js';
import type { TargetState } from '../../connect/cluster.js';
import { overallState } from '../../core/operate/connectors.js';
import {
  changeStates,
  createConnector,
  deleteConnectors,
  describeOne,
  listConnectors,
  parseConnectorFile,
  parseOverrides,
  updateConnectorConfig,
  type ConnectorSpec,
} from '../../core/operations/cluster.js';
import type { Operation } from '../../core/operations/audit.js';
import { findProjectFile, loadProject } from '../../core/project/load-project.js';
import type { OpsTarget } from '../../core/observe/target.js';
import type { CommandHandler } from '../command-spec.js';
import type {
  connectClusterCreateCommand,
  connectClusterDeleteCommand,
  connectClusterDescribeCommand,
  connectClusterListCommand,
  connectClusterPauseCommand,
  connectClusterResumeCommand,
  connectClusterUpdateCommand,
} from '../commands/connect.js';
import type { CliContext } from '../context.js';
import { table } from '../render/output.js';
import { colourState } from './connect-view.js';
import { stateWaitOf } from './connect-lifecycle.js';
import { warnDrift } from './ops-context.js';
import { withEnvironmentRun } from './environment.js';

/**
 * `kcops connect cluster ...`: the verbs of `confluent connect cluster ...` on the kcops environment model.
 * `--environment` / `--cluster` select the kcops environment (by name, or by the Confluent Cloud environment / Kafka
 * cluster id an environment of kcops.yaml declares); `--env` does the same.
 */
/** The Confluent CLI's selectors every `connect cluster` verb declares (ccFlags in commands/connect.ts). */
export interface ConfluentFlags {
  readonly environment: string | undefined;
  readonly cluster: string | undefined;
}

export function envFromConfluentFlags(ctx: CliContext, o: ConfluentFlags): string | undefined {
  const wanted = [
    ...(o.environment !== undefined ? [{ flag: '--environment', value: o.environment }] : []),
    ...(o.cluster !== undefined ? [{ flag: '--cluster', value: o.cluster }] : []),
  ];
  if (wanted.length === 0) return ctx.globals.env;
  const file = ctx.globals.config ?? findProjectFile(ctx.cwd);
  const envs = file ? (loadProject(file).project?.environments ?? {}) : {};
  let chosen = ctx.globals.env;
  let chosenBy = '--env';
  for (const w of wanted) {
    const byName =
      Object.prototype.hasOwnProperty.call(envs, w.value) || (w.value === 'dev' && !file) ? w.value : undefined;
    const byId = Object.entries(envs)
      .filter(([, e]) => {
        const c = e.cluster as { type: string; environmentId?: string; kafkaClusterId?: string };
        return w.flag === '--environment' ? c.environmentId === w.value : c.kafkaClusterId === w.value;
      })
      .map(([n]) => n);
    const env = byName ?? (byId.length === 1 ? byId[0] : undefined);
    if (env === undefined) {
      throw usageError(
        'ENV_UNKNOWN',
        byId.length > 1
          ? `${w.flag} ${w.value} matches the environments ${byId.join(', ')}; say which with --env.`
          : `${w.flag} ${w.value} is neither an environment of kcops.yaml nor the ${w.flag === '--environment' ? 'Confluent Cloud environment id' : 'Kafka cluster id'} of one.`,
        `Environments: ${Object.keys(envs).join(', ') || '(none: outside a repository only dev exists)'}.`,
      );
    }
    if (chosen !== undefined && chosen !== env) {
      throw usageError(
        'USAGE',
        `${chosenBy} selects '${chosen}' but ${w.flag} ${w.value} selects '${env}'.`,
        'Give one of them.',
      );
    }
    chosen = env;
    chosenBy = `${w.flag} ${w.value}`;
  }
  return chosen;
}

/** The command wrapper (environment chosen by --environment / --cluster / --env, closed afterwards, audited changes). */
async function withEnvCluster<T>(
  ctx: CliContext,
  o: ConfluentFlags,
  run: (op: Operation, t: OpsTarget) => Promise<T>,
): Promise<T> {
  return withEnvironmentRun(ctx, envFromConfluentFlags(ctx, o) ?? ctx.globals.env, (e) =>
    run({ connect: e.connect, audit: e.audit }, e.target),
  );
}

function names(a: string | readonly string[] | undefined): string[] {
  const list = (Array.isArray(a) ? a : typeof a === 'string' ? [a] : []).filter((n) => n.length > 0);
  if (list.length === 0) throw usageError('USAGE', 'Give at least one connector name.');
  return [...new Set(list)];
}

function readSpec(cwd: string, file: unknown): ConnectorSpec {
  if (typeof file !== 'string')
    throw usageError('USAGE', '--config-file is required.', 'A JSON file: {"name": "...", "config": {...}}.');
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw usageError('USAGE', `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
  }
  return parseConnectorFile(text, file);
}

export const create: CommandHandler<typeof connectClusterCreateCommand> = (ctx, _args, o) =>
  withEnvCluster(ctx, o, async (op, t) => {
    const spec = readSpec(ctx.cwd, o.configFile);
    const r = await createConnector(op, spec);
    warnDrift(ctx, t, `The new connector ${spec.name}`);
    const state = overallState(r.status);
    return {
      data: { id: r.name, name: r.name, status: state, type: r.status.type, offsetsApplied: r.offsetsApplied },
      human: (st) =>
        `${state === 'FAILED' ? st.red('✖') : st.green('✔')} Created connector "${r.name}" (${colourState(st, state)})${r.offsetsApplied ? `, started from ${r.offsetsApplied} offset(s)` : ''}.`,
      exitCode: state === 'FAILED' ? ExitCode.Error : ExitCode.Ok,
    };
  });

/**
 * `--config` is also kcops' global flag (the path of kcops.yaml), which commander fills first. Confluent's
 * `--config "k=v,..."` is recognised by its '=': then it is the overrides, not a path.
 */
function splitConfigFlag(
  ctx: CliContext,
  o: { readonly config: string[] | undefined },
): { ctx: CliContext; overrides: string | string[] | undefined } {
  if (o.config !== undefined) return { ctx, overrides: o.config };
  const g = ctx.globals.config;
  if (g === undefined || !g.includes('=')) return { ctx, overrides: undefined };
  const { config: _path, ...globals } = ctx.globals;
  return { ctx: { ...ctx, globals }, overrides: g };
}

export const update: CommandHandler<typeof connectClusterUpdateCommand> = (outer, args, o) => {
  const { ctx, overrides: rawOverrides } = splitConfigFlag(outer, o);
  return withEnvCluster(ctx, o, async (op, t) => {
    const [name] = names(args[0]);
    const spec = o.configFile === undefined ? undefined : readSpec(ctx.cwd, o.configFile);
    const overrides = rawOverrides === undefined ? undefined : parseOverrides(rawOverrides);
    if (!spec && !overrides)
      throw usageError(
        'USAGE',
        'Give --config-file and/or --config.',
        `e.g. kcops connect cluster update ${name!} --config "tasks.max=2"`,
      );
    const r = await updateConnectorConfig(op, name!, {
      ...(spec ? { spec } : {}),
      ...(overrides ? { overrides } : {}),
    });
    if (r.changed.length > 0) warnDrift(ctx, t, `The new configuration of ${name!}`);
    return {
      data: { id: r.name, name: r.name, changed: r.changed, status: overallState(r.status) },
      human: (st) =>
        r.changed.length === 0
          ? `Connector "${r.name}" already had this configuration.`
          : `${st.green('✔')} Updated connector "${r.name}": ${r.changed.join(', ')} (${colourState(st, overallState(r.status))}).`,
    };
  });
};

export const remove: CommandHandler<typeof connectClusterDeleteCommand> = (ctx, args, o) =>
  withEnvCluster(ctx, o, async (op, t) => {
    const list = names(args[0]);
    if (!o.force) {
      throw new UserError(
        'APPROVAL_REQUIRED',
        `Deleting ${list.join(', ')} needs --force (the Confluent CLI would ask; kcops never waits for input here).`,
        {
          exitCode: ExitCode.Usage,
          hint: t.isDev
            ? `kcops connect cluster delete ${list.join(' ')} --force`
            : `In '${t.env}' connectors are managed from Git: delete their files and apply the plan. For an emergency, add --force.`,
        },
      );
    }
    const r = await deleteConnectors(op, list);
    if (r.done.length) warnDrift(ctx, t, `The deletion of ${r.done.join(', ')}`);
    return {
      data: { deleted: r.done, failed: r.failed },
      human: (st) =>
        [
          ...(r.done.length
            ? [
                `${st.green('✔')} Deleted ${r.done.length === 1 ? 'connector' : 'connectors'} ${r.done.map((n) => `"${n}"`).join(', ')}.`,
              ]
            : []),
          ...r.failed.map((f) => `${st.red('✖')} ${f.name}: ${f.error}`),
        ].join('\n'),
      exitCode: r.failed.length ? ExitCode.Error : ExitCode.Ok,
    };
  });

// pause and resume declare the same arguments and options.
function lifecycle(verb: 'pause' | 'resume'): CommandHandler<typeof connectClusterPauseCommand> {
  const target: TargetState = verb === 'pause' ? 'PAUSED' : 'RUNNING';
  return (ctx, args, o) =>
    withEnvCluster(ctx, o, async (op, t) => {
      const list = names(args[0]);
      const r = await changeStates(op, list, verb, { timeoutMs: stateWaitOf(o) });
      const states = r.states;
      if (r.done.length) warnDrift(ctx, t, `${r.done.join(', ')} ${target}`);
      const past = verb === 'pause' ? 'Paused' : 'Resumed';
      return {
        data: { [verb === 'pause' ? 'paused' : 'resumed']: r.done, connectors: states, failed: r.failed },
        human: (st) =>
          [
            ...(r.done.length
              ? [
                  `${past} ${r.done.length === 1 ? 'connector' : 'connectors'} ${r.done.map((n) => `"${n}"`).join(', ')}.`,
                ]
              : []),
            ...states
              .filter((s) => s.status !== target)
              .map((s) => st.yellow(`  ${s.name} is ${s.status} (asked for ${target}; it may still be moving)`)),
            ...r.failed.map((f) => `${st.red('✖')} ${f.name}: ${f.error}`),
          ].join('\n'),
        exitCode: r.failed.length || states.some((s) => s.status === 'FAILED') ? ExitCode.Error : ExitCode.Ok,
      };
    });
}
export const pause: CommandHandler<typeof connectClusterPauseCommand> = lifecycle('pause');
export const resume: CommandHandler<typeof connectClusterResumeCommand> = lifecycle('resume');

export const describe: CommandHandler<typeof connectClusterDescribeCommand> = (ctx, args, o) =>
  withEnvCluster(ctx, o, async (op) => {
    const [name] = names(args[0]);
    const d = await describeOne(op, name!);
    const configs = Object.entries(d.config)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([config, value]) => ({ config, value }));
    const connector = {
      id: d.name,
      name: d.name,
      status: d.overall,
      type: d.type,
      trace: (d.trace ?? d.tasks.find((x) => x.trace)?.trace ?? '').split('\n')[0] ?? '',
    };
    const tasks = d.tasks.map((x) => ({ task_id: x.id, state: x.state }));
    return {
      data: { connector, tasks, configs },
      human: (st) =>
        [
          st.bold('Connector Details'),
          table(
            ['', ''],
            [
              ['ID', connector.id],
              ['Name', connector.name],
              ['Status', colourState(st, connector.status)],
              ['Type', connector.type],
              ['Trace', connector.trace || ''],
            ],
          ),
          '',
          st.bold('Task Level Details'),
          table(
            ['TASK ID', 'STATE'],
            tasks.map((x) => [String(x.task_id), colourState(st, x.state)]),
          ),
          '',
          st.bold('Configuration Details') + st.dim(' (literal secrets masked)'),
          table(
            ['CONFIG', 'VALUE'],
            configs.map((x) => [x.config, x.value]),
          ),
        ].join('\n'),
    };
  });

export const list: CommandHandler<typeof connectClusterListCommand> = (ctx, _args, o) =>
  withEnvCluster(ctx, o, async (op, t) => {
    const rows = await listConnectors(op);
    return {
      data: { env: t.env, connectors: rows },
      human: (st) =>
        rows.length === 0
          ? `No connectors in '${t.env}'.`
          : table(
              ['ID', 'NAME', 'STATUS', 'TYPE', 'TRACE'],
              rows.map((r) => [r.id, r.name, colourState(st, r.status), r.type, r.trace]),
            ),
    };
  });
