import type { Reporter, StepHandle } from '../../core/reporter.js';
import type { Style } from '../context.js';
import { redactText } from '../../core/secrets/sensitive.js';
import { sanitizeTerminal } from './terminal.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressOptions {
  stream: NodeJS.WriteStream | NodeJS.WritableStream;
  isTTY: boolean;
  quiet: boolean;
  debug: boolean;
  style: Style;
}

/**
 * Progress and diagnostics, always on stderr. A spinner only on a TTY; in CI (no TTY) steps are silent,
 * warnings are still shown, and --quiet keeps only warnings.
 */
export class StderrReporter implements Reporter {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private current: { title: string; detail: string; started: number } | undefined;

  constructor(private readonly o: ProgressOptions) {}

  step(title: string): StepHandle {
    const started = Date.now();
    if (this.o.debug) this.line(this.o.style.dim(`… ${title}`));
    if (this.o.isTTY && !this.o.quiet) {
      this.current = { title, detail: '', started };
      this.startSpinner();
    }
    const finish = (ok: boolean, summary?: string): void => {
      this.stopSpinner();
      this.current = undefined;
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const text = `${summary ?? title} ${this.o.style.dim(`(${secs}s)`)}`;
      if ((this.o.isTTY && !this.o.quiet) || this.o.debug) {
        this.line(ok ? `${this.o.style.green('✔')} ${text}` : `${this.o.style.red('✖')} ${text}`);
      }
    };
    return {
      update: (detail) => {
        const changed = this.current?.detail !== detail;
        if (this.current) this.current.detail = detail;
        if (this.o.debug && changed) this.line(this.o.style.dim(`  ${detail}`));
      },
      done: (s) => finish(true, s),
      fail: (s) => finish(false, s),
    };
  }

  info(message: string): void {
    if (!this.o.quiet) this.line(message);
  }

  warn(message: string): void {
    this.line(`${this.o.style.yellow('Warning:')} ${message}`);
  }

  debug(message: string): void {
    if (this.o.debug) this.line(this.o.style.dim(`debug: ${message}`));
  }

  close(): void {
    this.stopSpinner();
  }

  private line(text: string): void {
    const resume = this.timer !== undefined;
    this.stopSpinner();
    this.o.stream.write(sanitizeTerminal(redactText(text)) + '\n');
    if (resume) this.startSpinner();
  }

  private startSpinner(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.render(), 80);
    this.timer.unref();
    this.render();
  }

  private stopSpinner(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.o.stream.write('\r\u001b[2K');
  }

  private render(): void {
    if (!this.current) return;
    this.frame = (this.frame + 1) % FRAMES.length;
    const secs = Math.floor((Date.now() - this.current.started) / 1000);
    const detail = this.current.detail ? this.o.style.dim(` ${this.current.detail}`) : '';
    const text = `${this.o.style.cyan(FRAMES[this.frame] ?? '')} ${this.current.title}${detail} ${this.o.style.dim(`${secs}s`)}`;
    this.o.stream.write(`\r\u001b[2K${sanitizeTerminal(redactText(text))}`);
  }
}
