/**
 * How long work tells a person what it is doing, without knowing the terminal: the CLI renders it (spinner on a TTY,
 * nothing in CI), tests record it. Beside errors.ts at the bottom of src/ because both core and the backend clients
 * (Cloud's provisioning waits) report progress, and clients must not import core.
 */
export interface Reporter {
  /** A long step started; `done` ends it. */
  step(title: string): StepHandle;
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface StepHandle {
  update(detail: string): void;
  done(summary?: string): void;
  fail(summary?: string): void;
}
