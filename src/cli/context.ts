import type { Reporter } from '../core/reporter.js';

export const OUTPUT_FORMATS = ['human', 'json', 'yaml', 'sarif', 'junit', 'markdown', 'csv'] as const;
/** Report formats only some commands produce (they declare them in CommandSpec.extraOutputs). */
export const EXTRA_OUTPUT_FORMATS = ['sarif', 'junit', 'markdown', 'csv'] as const;
export type ExtraOutputFormat = (typeof EXTRA_OUTPUT_FORMATS)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Global flags every command receives (issue #2 §2). */
export interface GlobalOptions {
  output: OutputFormat;
  config?: string;
  env?: string;
  /** Every --env given, in order (only `kcops monitor` uses more than one; `env` is the last). */
  envs?: string[];
  debug: boolean;
  color: boolean;
  quiet: boolean;
}

export interface CliContext {
  globals: GlobalOptions;
  reporter: Reporter;
  /** Where results go (stdout). Diagnostics use the reporter (stderr). */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * What a command hands back. `data` is the stable JSON shape (formatVersion is added by the renderer);
 * `human` renders the same result for people.
 */
export interface CommandResult<T extends object = object> {
  data: T;
  human: (style: Style) => string;
  /** Renderers for the extra report formats the command declared (see CommandSpec.extraOutputs). */
  reports?: Partial<Record<ExtraOutputFormat, () => string>>;
  exitCode?: number;
  /** The command wrote its results while it ran (one line or document per round); nothing more is rendered. */
  streamed?: boolean;
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}
