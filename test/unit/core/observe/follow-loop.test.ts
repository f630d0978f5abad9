import { describe, expect, it } from 'vitest';
import { followLoop } from '../../../../src/core/observe/follow-loop.js';
import { SeenWindow } from '../../../../src/core/observe/seen-window.js';

interface Ev {
  id: string;
  t: number;
}

describe('followLoop', () => {
  it('shows each event once and remembers only the re-read overlap, however long it runs', async () => {
    // A service that returns everything from `since` on, 200 new events a second, for 2,000 polls.
    let clock = 1_000_000;
    const events: Ev[] = [];
    let start = 0; // events before this index are older than any window asked for again (keeps the fake cheap)
    const ac = new AbortController();
    const seen = new SeenWindow();
    const shown = new Set<string>();
    let repeats = 0;
    let polls = 0;
    let peak = 0;
    await followLoop<Ev>({
      signal: ac.signal,
      poll: (since) => {
        while (start < events.length && events[start]!.t < since - 10_000) start++;
        return Promise.resolve(events.slice(start).filter((e) => e.t >= since));
      },
      key: (e) => e.id,
      time: (e) => e.t,
      onItem: (e) => {
        if (shown.has(e.id)) repeats++;
        shown.add(e.id);
      },
      afterPoll: () => (peak = Math.max(peak, seen.size)),
      overlapMs: 5000,
      pollMs: 1000,
      advance: 'items',
      seen,
      now: () => clock,
      sleep: () => {
        if (++polls > 2000) {
          ac.abort();
          return Promise.resolve();
        }
        clock += 1000;
        for (let i = 0; i < 200; i++) events.push({ id: `e${events.length}`, t: clock - (i % 3) * 10 });
        return Promise.resolve();
      },
    });
    expect(events.length).toBe(400_000);
    expect(repeats).toBe(0);
    expect(shown.size).toBe(400_000); // nothing lost
    // Memory: the keys of the overlap (5 s) and the newest second, not the 400,000 shown.
    expect(peak).toBeLessThanOrEqual(200 * 7);
  });

  it('never holds more keys than its cap, even when every event has the same time', async () => {
    const ac = new AbortController();
    const seen = new SeenWindow(1000);
    let n = 0;
    let peak = 0;
    await followLoop<Ev>({
      signal: ac.signal,
      // One timestamp for all: the time window alone could forget none of them.
      poll: () => Promise.resolve(Array.from({ length: 5000 }, () => ({ id: `x${n++}`, t: 42 }))),
      key: (e) => e.id,
      time: (e) => e.t,
      onItem: () => undefined,
      afterPoll: () => (peak = Math.max(peak, seen.size)),
      overlapMs: 1_000_000_000,
      pollMs: 1,
      advance: 'clock',
      seen,
      now: () => 100,
      sleep: () => {
        if (n >= 50_000) ac.abort();
        return Promise.resolve();
      },
    });
    expect(n).toBe(50_000);
    expect(peak).toBe(1000);
  });
});
