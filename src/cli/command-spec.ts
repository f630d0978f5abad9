import type { CliContext, CommandResult, ExtraOutputFormat } from './context.js';

/** A command declared as data (wrangler's createCommand idea): help, examples and a lazily loaded handler. */
export interface CommandSpec {
  /** Path from the root, e.g. ['dev', 'up']. */
  path: string[];
  summary: string;
  description?: string;
  args?: ArgSpec[];
  options?: OptionSpec[];
  examples: Example[];
  /** Report formats beyond human|json|yaml that this command can write with -o (e.g. validate: sarif, junit). */
  extraOutputs?: ExtraOutputFormat[];
  /** Imported only when the command runs, so `kcops --help` stays fast. */
  handler: () => Promise<CommandHandler>;
}

export interface ArgSpec {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
  choices?: readonly string[];
}

export interface OptionSpec {
  flags: string;
  description: string;
  default?: string | boolean | number;
  choices?: readonly string[];
  /** Parse into a number; usage error (exit 2) when it is not one. */
  integer?: boolean;
}

export interface Example {
  command: string;
  description: string;
}

export type CommandHandler = (
  ctx: CliContext,
  args: (string | string[] | undefined)[],
  options: Record<string, unknown>,
) => Promise<CommandResult>;

/** Groups: commands that only hold subcommands. */
export interface GroupSpec {
  path: string[];
  summary: string;
}
