import { describe, expect, it } from 'vitest';
import { sleepUnlessAborted } from '../../../src/core/sleep.js';

describe('sleepUnlessAborted', () => {
  it('leaves no abort listener behind, however many rounds a polling loop makes', async () => {
    const ac = new AbortController();
    let added = 0;
    let removed = 0;
    const add = ac.signal.addEventListener.bind(ac.signal);
    const remove = ac.signal.removeEventListener.bind(ac.signal);
    ac.signal.addEventListener = ((...a: Parameters<typeof add>) => (added++, add(...a))) as typeof add;
    ac.signal.removeEventListener = ((...a: Parameters<typeof remove>) => (removed++, remove(...a))) as typeof remove;
    for (let i = 0; i < 15; i++) await sleepUnlessAborted(1, ac.signal);
    expect([added, removed]).toEqual([15, 15]);
  });

  it('ends at once when aborted, or when the signal was aborted already', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const waiting = sleepUnlessAborted(10_000, ac.signal);
    ac.abort();
    await waiting;
    await sleepUnlessAborted(10_000, ac.signal);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
