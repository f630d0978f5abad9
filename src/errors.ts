/**
 * The two kinds of failure kcops knows (ARCHITECTURE habit 7):
 * - UserError: expected and actionable. A stable code, what happened, and the next thing to do. Never a stack trace.
 * - InternalError: a bug in kcops. The stack is shown only with --debug.
 */

/** The documented exit-code contract (docs/reference/exit-codes.md). */
export const ExitCode = {
  Ok: 0,
  Error: 1,
  Usage: 2,
  Changes: 3,
  RolledBack: 4,
  /** apply sent every change, but Confluent Cloud is still provisioning some connector: neither done nor failed. */
  Pending: 5,
  /** `access review` found something to act on (an old or unused key, a right too broad, a console role). */
  Findings: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface UserErrorOptions {
  hint?: string;
  exitCode?: ExitCode;
  /** Extra lines shown under the message (e.g. the tail of a log); never secrets. */
  details?: string[];
  cause?: unknown;
}

export class UserError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;
  readonly details: string[];

  constructor(code: string, message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.Error;
    this.details = options.details ?? [];
  }
}

/** Bad flags or arguments, or input that cannot be used as given: exit code 2. */
export function usageError(code: string, message: string, hint?: string): UserError {
  return new UserError(code, message, { hint, exitCode: ExitCode.Usage });
}

export class InternalError extends Error {
  readonly code = 'INTERNAL';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** Error text for wrapping a foreign error without losing it. */
export function describeCause(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
