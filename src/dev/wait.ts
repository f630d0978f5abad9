import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../errors.js';

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Checked between attempts; a string means "give up now" (e.g. the process died). */
  abort?: () => string | undefined;
  hint?: string;
  details?: () => string[];
}

/**
 * Polls `probe` until it returns a value (not undefined). Bounded, and says what it waited for when it gives up
 * (ARCHITECTURE habit 5).
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const aborted = o.abort?.();
    if (aborted) {
      throw new UserError('DEV_PROCESS_DIED', aborted, { hint: o.hint, details: o.details?.() });
    }
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      // A probe can say that waiting longer is pointless (e.g. a task FAILED).
      if ((e as { fatal?: boolean }).fatal) throw e;
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` Last error: ${lastError.message}` : '';
      throw new UserError(
        'DEV_NOT_READY',
        `Timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${o.what}.${why}`,
        {
          hint: o.hint,
          details: o.details?.(),
        },
      );
    }
    await sleep(o.intervalMs ?? 500);
  }
}
