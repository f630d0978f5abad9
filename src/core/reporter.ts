/**
 * How the core talks to whoever runs it, without knowing about terminals (the CDK toolkit's IoHost idea).
 * The CLI decides what a step looks like: a spinner on a TTY, nothing in CI, JSON never polluted.
 */
export type { Reporter, StepHandle } from '../progress.js';
import type { Reporter, StepHandle } from '../progress.js';

const silentStep: StepHandle = { update() {}, done() {}, fail() {} };

/** For tests and library callers that want no output. */
export const silentReporter: Reporter = {
  step: () => silentStep,
  info() {},
  warn() {},
  debug() {},
};

/** Collects everything; handy in unit tests. */
export class RecordingReporter implements Reporter {
  readonly events: { kind: string; text: string }[] = [];
  step(title: string): StepHandle {
    this.events.push({ kind: 'step', text: title });
    return {
      update: (d) => this.events.push({ kind: 'update', text: d }),
      done: (s) => this.events.push({ kind: 'done', text: s ?? title }),
      fail: (s) => this.events.push({ kind: 'fail', text: s ?? title }),
    };
  }
  info(m: string): void {
    this.events.push({ kind: 'info', text: m });
  }
  warn(m: string): void {
    this.events.push({ kind: 'warn', text: m });
  }
  debug(m: string): void {
    this.events.push({ kind: 'debug', text: m });
  }
}
