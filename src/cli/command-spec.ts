import type { CliContext, CommandResult, ExtraOutputFormat } from './context.js';

/**
 * A command declared as data (wrangler's createCommand idea): help, examples, arguments and options. Declarations
 * live in src/cli/commands/*; src/cli/commands/index.ts binds each to its lazily imported handler, whose option and
 * argument types are inferred from the declaration (see OptionsOf / ArgsOf): the handler reads `o.lines` as a
 * number because the declaration says `integer: true`, with no cast.
 */
export interface CommandDecl<
  O extends readonly OptionSpec[] = readonly OptionSpec[],
  A extends readonly ArgSpec[] = readonly ArgSpec[],
> {
  /** Path from the root, e.g. ['dev', 'up']. */
  path: readonly string[];
  summary: string;
  description?: string;
  args?: A;
  options?: O;
  examples: readonly Example[];
  /** Report formats beyond human|json|yaml that this command can write with -o (e.g. validate: sarif, junit). */
  extraOutputs?: readonly ExtraOutputFormat[];
}

/** A declaration bound to its handler: what main.ts registers with commander. */
export interface CommandSpec extends CommandDecl {
  /** Imported only when the command runs, so `kcops --help` stays fast. */
  handler: () => Promise<AnyHandler>;
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

/** Groups: commands that only hold subcommands. */
export interface GroupSpec {
  path: string[];
  summary: string;
}

/** Declares a command; `const` keeps the literal flags so the handler's option types can be read from them. */
export function command<const O extends readonly OptionSpec[] = [], const A extends readonly ArgSpec[] = []>(
  decl: CommandDecl<O, A>,
): CommandDecl<O, A> {
  return decl;
}

/** The handler of a declaration: arguments and options typed from what it declares. */
export type CommandHandler<D extends CommandDecl = CommandDecl> = (
  ctx: CliContext,
  args: ArgsOfDecl<D>,
  options: OptionsOfDecl<D>,
) => Promise<CommandResult>;

/** What main.ts calls: commander builds args and options from the same declaration, so the types hold. */
export type AnyHandler = (
  ctx: CliContext,
  args: readonly (string | string[] | undefined)[],
  options: Record<string, unknown>,
) => Promise<CommandResult>;

/** Binds a declaration to the handler that runs it (the registry in commands/index.ts). */
export function bind<D extends CommandDecl>(decl: D, load: () => Promise<CommandHandler<D>>): CommandSpec {
  // The one place the typed handler meets commander's untyped values: both come from `decl`, so they agree.
  return { ...decl, handler: load as () => Promise<unknown> as () => Promise<AnyHandler> };
}

// ---- types read from the declaration -------------------------------------------------------------------------

/** The options a declaration gives its handler, for helpers the handler passes them to. */
export type OptionsFor<D extends CommandDecl> = OptionsOfDecl<D>;

/** The arguments a declaration gives its handler. */
export type ArgsFor<D extends CommandDecl> = ArgsOfDecl<D>;

type OptionsOfDecl<D> = D extends CommandDecl<infer O, readonly ArgSpec[]> ? OptionsOf<O> : never;
type ArgsOfDecl<D> = D extends CommandDecl<readonly OptionSpec[], infer A> ? ArgsOf<A> : never;

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
/** "-n, --lines <n>" → "lines <n>" */
type Long<F extends string> = F extends `${string}--${infer R}` ? R : F;
/** "lines <n>" → "lines" */
type Name<F extends string> = Long<F> extends `${infer N} ${string}` ? N : Long<F>;
/** commander's property name: --lease-ttl → leaseTtl, --no-lag → lag */
type Key<F extends string> = Name<F> extends `no-${infer N}` ? Camel<N> : Camel<Name<F>>;

type Value<O extends OptionSpec> = O extends { integer: true }
  ? number
  : O extends { choices: readonly (infer C)[] }
    ? C
    : Long<O['flags']> extends `${string}<${string}...>`
      ? string[]
      : Long<O['flags']> extends `${string}<${string}>`
        ? string
        : Long<O['flags']> extends `${string}[${string}]`
          ? string | true
          : boolean;
/** Always set: a default, or a --no-x flag (commander defaults x to true). */
type Always<O extends OptionSpec> = O extends { default: string | number | boolean }
  ? true
  : Name<O['flags']> extends `no-${string}`
    ? true
    : false;

export type OptionsOf<Os extends readonly OptionSpec[]> = {
  readonly [O in Os[number] as Key<O['flags']>]: Always<O> extends true ? Value<O> : Value<O> | undefined;
};

type ArgValue<A extends ArgSpec> = A extends { variadic: true }
  ? string[]
  : A extends { required: true }
    ? string
    : string | undefined;

export type ArgsOf<As extends readonly ArgSpec[]> = { readonly [K in keyof As]: ArgValue<As[K]> };
