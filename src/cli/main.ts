import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitCode, UserError, usageError } from '../errors.js';
import type { CommandSpec } from './command-spec.js';
import { commands, groups } from './commands/index.js';
import {
  EXTRA_OUTPUT_FORMATS,
  OUTPUT_FORMATS,
  type CliContext,
  type ExtraOutputFormat,
  type GlobalOptions,
  type OutputFormat,
} from './context.js';
import { errorView, loadYaml, renderError, renderResult, type YamlStringify } from './render/output.js';
import { StderrReporter } from './render/progress.js';
import { version } from './version.js';
import { colorWanted, makeStyle } from './render/style.js';

export interface RunOptions {
  argv: string[];
  stdout?: NodeJS.WriteStream | NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream | NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

// Re-exported: callers (and tests) that know version() from main keep working; handlers import ./version.js.
export { version } from './version.js';

/** argv → command → exit code. Never throws; never calls process.exit (bin/kcops.js does). */
export async function run(opts: RunOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const env = opts.env ?? process.env;
  const isTTY = Boolean((stderr as NodeJS.WriteStream).isTTY);
  // Known before parsing so that even usage errors come out as JSON when asked.
  const early = earlyGlobals(opts.argv, env, isTTY);
  const style = makeStyle(early.color);
  const toYaml: YamlStringify | undefined = early.output === 'yaml' ? await loadYaml() : undefined;
  let exitCode: number = ExitCode.Ok;

  const program = buildProgram(stdout, (spec, ctxGlobals, args, options) => {
    const reporter = new StderrReporter({
      stream: stderr,
      isTTY,
      quiet: ctxGlobals.quiet || ctxGlobals.output !== 'human',
      debug: ctxGlobals.debug,
      style,
    });
    const ctx: CliContext = {
      globals: ctxGlobals,
      reporter,
      stdout,
      stderr,
      isTTY,
      cwd: opts.cwd ?? process.cwd(),
      env,
    };
    return (async () => {
      if (
        (EXTRA_OUTPUT_FORMATS as readonly string[]).includes(ctxGlobals.output) &&
        !spec.extraOutputs?.includes(ctxGlobals.output as ExtraOutputFormat)
      ) {
        throw usageError(
          'USAGE',
          `\`kcops ${spec.path.join(' ')}\` cannot write -o ${ctxGlobals.output}.`,
          'Use -o human, json or yaml.',
        );
      }
      try {
        const handler = await spec.handler();
        const result = await handler(ctx, args, options);
        // A long-running command (monitor, --watch) has already written its output as it went.
        if (!result.streamed)
          stdout.write(
            renderResult(
              result,
              ctxGlobals.output,
              style,
              toYaml ?? (ctxGlobals.output === 'yaml' ? await loadYaml() : undefined),
            ),
          );
        exitCode = result.exitCode ?? ExitCode.Ok;
      } finally {
        reporter.close();
      }
    })();
  });

  try {
    await program.parseAsync(opts.argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        return ExitCode.Ok;
      }
      const err = usageError(
        'USAGE',
        e.message.replace(/^error: /, ''),
        'Run `kcops --help`, or `kcops <command> --help`, for usage and examples.',
      );
      stderr.write(renderError(errorView(err, early.debug), early.output, style, toYaml));
      return ExitCode.Usage;
    }
    stderr.write(renderError(errorView(e, early.debug), early.output, style, toYaml));
    return e instanceof UserError ? e.exitCode : ExitCode.Error;
  }
}

function buildProgram(
  stdout: NodeJS.WritableStream,
  invoke: (
    spec: CommandSpec,
    g: GlobalOptions,
    args: (string | string[] | undefined)[],
    o: Record<string, unknown>,
  ) => Promise<void>,
): Command {
  const program = new Command('kcops')
    .description(
      'Kafka Connect operations: validate, plan and apply connector configs from Git; operate them day to day.',
    )
    .version(version(), '-V, --version', 'print the kcops version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('human'))
    .option('--config <path>', 'path to kcops.yaml (default: search upwards from the current directory)')
    .option(
      '--env <name>',
      'environment from kcops.yaml (dev, staging, prod, ...)',
      // Repeatable for `kcops monitor` (several environments in one process); other commands use the last one.
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--debug', 'show debug output and stack traces of internal errors', false)
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .option('-q, --quiet', 'only print results and warnings', false)
    .showHelpAfterError(false)
    // Set before subcommands exist so they inherit it: commander's own usage messages are replaced by ours.
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: () => undefined, outputError: () => undefined })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ kcops dev up                       start the local Kafka + Connect stack
  $ kcops dev status -o json           machine-readable status of every process
  $ kcops <command> --help             help and examples for one command

Exit codes: 0 ok, 1 error, 2 usage or invalid input, 3 changes/drift present (--detailed-exitcode),
4 apply failed and was rolled back, 5 Confluent Cloud still provisioning (apply again later).
See docs/reference/exit-codes.md.`,
    );

  const nodes = new Map<string, Command>([['', program]]);
  const parentOf = (path: readonly string[]): Command => {
    const key = path.slice(0, -1).join(' ');
    const parent = nodes.get(key);
    if (!parent) throw new Error(`command group '${key}' is not declared`);
    return parent;
  };
  for (const g of groups) {
    const cmd = parentOf(g.path)
      .command(g.path[g.path.length - 1] ?? '')
      .description(g.summary)
      .exitOverride();
    nodes.set(g.path.join(' '), cmd);
  }
  for (const spec of commands) {
    const cmd = parentOf(spec.path)
      .command(spec.path[spec.path.length - 1] ?? '')
      .description(spec.description ?? spec.summary)
      .summary(spec.summary)
      .exitOverride();
    for (const a of spec.args ?? []) {
      const name = a.variadic ? `${a.name}...` : a.name;
      const arg = cmd.createArgument(a.required ? `<${name}>` : `[${name}]`, a.description);
      if (a.choices) arg.choices(a.choices);
      cmd.addArgument(arg);
    }
    for (const o of spec.options ?? []) {
      const opt = new Option(o.flags, o.description);
      if (o.default !== undefined) opt.default(o.default);
      if (o.choices) opt.choices(o.choices);
      if (o.integer) opt.argParser(parseInteger);
      cmd.addOption(opt);
    }
    cmd.addHelpText(
      'after',
      '\nExamples:\n' + spec.examples.map((e) => `  $ ${e.command}\n      ${e.description}`).join('\n'),
    );
    cmd.action(async (...received: unknown[]) => {
      const self = received[received.length - 1] as Command;
      const args = received.slice(0, (spec.args ?? []).length) as (string | string[] | undefined)[];
      const all = self.optsWithGlobals();
      const g: GlobalOptions = {
        output: all.output as OutputFormat,
        config: all.config as string | undefined,
        env: (all.env as string[] | undefined)?.at(-1),
        envs: (all.env as string[] | undefined) ?? [],
        debug: Boolean(all.debug),
        color: Boolean(all.color),
        quiet: Boolean(all.quiet),
      };
      await invoke(spec, g, args, self.opts());
    });
    nodes.set(spec.path.join(' '), cmd);
  }
  return program;
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`'${value}' is not an integer.`);
  return n;
}

/** A forgiving pre-scan of argv for the flags that shape error output. */
function earlyGlobals(
  argv: string[],
  env: NodeJS.ProcessEnv,
  isTTY: boolean,
): { output: OutputFormat; debug: boolean; color: boolean } {
  let output: OutputFormat = 'human';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const v =
      a === '-o' || a === '--output'
        ? argv[i + 1]
        : a.startsWith('--output=')
          ? a.slice(9)
          : a.startsWith('-o') && a.length > 2
            ? a.slice(2)
            : undefined;
    if (v && (OUTPUT_FORMATS as readonly string[]).includes(v)) output = v as OutputFormat;
  }
  return {
    output,
    debug: argv.includes('--debug'),
    color: colorWanted(!argv.includes('--no-color'), env, isTTY),
  };
}
