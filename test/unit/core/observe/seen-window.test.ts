import { describe, expect, it } from 'vitest';
import { SeenWindow } from '../../../../src/core/observe/seen-window.js';

/** The follow loops' memory of what they printed: repeats suppressed, memory bounded however long they run. */
describe('SeenWindow', () => {
  it('admits a key once; a repeat inside the overlap is refused', () => {
    const w = new SeenWindow();
    expect(w.admit('a', 1_000)).toBe(true);
    expect(w.admit('a', 1_000)).toBe(false);
    expect(w.admit('b', 1_500)).toBe(true);
  });

  it('a day of 15 s polls with a 1 s overlap keeps only what the next poll can return again', () => {
    const w = new SeenWindow();
    let printed = 0;
    const poll = 15_000;
    for (let to = poll; to <= 86_400_000; to += poll) {
      // Each poll returns one entry a second over [to - 15 s, to]: the first is the last poll's last entry again.
      for (let t = to - poll; t <= to; t += 1_000) if (w.admit(`e${t}`, t)) printed++;
      w.forgetBefore(to - 1_000);
      expect(w.size).toBeLessThanOrEqual(2);
    }
    // 5,760 polls x 16 entries, of which every poll but the first repeated one.
    expect(printed).toBe(5_760 * 16 - 5_759);
  });

  it('a flood with one timestamp is capped, oldest forgotten first', () => {
    const w = new SeenWindow(100);
    for (let i = 0; i < 1_000; i++) w.admit(`k${i}`, 5);
    expect(w.size).toBe(100);
    expect(w.admit('k999', 5)).toBe(false);
    expect(w.admit('k0', 5)).toBe(true);
  });
});
