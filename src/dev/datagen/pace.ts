import { UserError } from '../../errors.js';

/** How much to generate and how fast: a count, a duration or both (whichever ends first), at most `rate` per second. */
export interface Pace {
  count?: number;
  rate?: number;
  durationMs?: number;
}

export function checkPace(p: Pace): void {
  if (p.count === undefined && p.durationMs === undefined) {
    throw new UserError('USAGE', 'Say how much to generate: --count N, --duration D (with --rate R), or both.', {
      exitCode: 2,
    });
  }
  if (p.count !== undefined && p.count < 0) throw new UserError('USAGE', '--count must be 0 or more.', { exitCode: 2 });
  if (p.rate !== undefined && !(p.rate > 0)) throw new UserError('USAGE', '--rate must be above 0.', { exitCode: 2 });
}

/**
 * Drives batches: `next()` says how many records the next batch may hold (0 = stop), and waits first when the rate
 * is ahead of the clock. Pure arithmetic over an injected clock and sleep, so it is tested without waiting.
 */
export class Pacer {
  private produced = 0;
  private readonly started: number;

  constructor(
    private readonly p: Pace,
    private readonly batchSize: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.started = clock();
  }

  async next(): Promise<number> {
    const elapsed = this.clock() - this.started;
    if (this.p.durationMs !== undefined && elapsed >= this.p.durationMs) return 0;
    let n = this.batchSize;
    if (this.p.count !== undefined) n = Math.min(n, this.p.count - this.produced);
    if (n <= 0) return 0;
    if (this.p.rate !== undefined) {
      // Small batches at low rates: 10 a second keeps the flow smooth rather than one burst a second.
      n = Math.min(n, Math.max(1, Math.ceil(this.p.rate / 10)));
      const due = (this.produced / this.p.rate) * 1000 - elapsed;
      if (due > 0) {
        if (this.p.durationMs !== undefined && elapsed + due >= this.p.durationMs) {
          await this.sleep(this.p.durationMs - elapsed);
          return 0;
        }
        await this.sleep(due);
      }
    }
    return n;
  }

  done(n: number): void {
    this.produced += n;
  }

  get total(): number {
    return this.produced;
  }

  elapsedMs(): number {
    return this.clock() - this.started;
  }
}
