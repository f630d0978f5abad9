/**
 * Waits `ms`, or less if `signal` aborts. The abort listener is removed when the time is up: polling loops
 * (`--follow`, `--watch`) call this once per round, and listeners left behind would pile up on the one signal
 * (Node warns about a leak after 10 of them).
 */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
