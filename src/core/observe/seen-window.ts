/**
 * What a follow loop has already shown, in bounded memory. Follow loops re-ask a log service from a little before the
 * last poll (services ingest late), so the same entry can come back and must not be printed twice; but a loop that
 * runs for days must not remember every entry it ever printed. An entry older than the re-read overlap cannot come
 * back, so keys are forgotten once they fall behind it (`forgetBefore`), and a hard cap (oldest first) bounds memory
 * even when one poll returns a flood of entries with the same timestamp.
 */
export class SeenWindow {
  /** key → the entry's time; a Map keeps insertion order, which is the order the loop saw entries in. */
  private readonly keys = new Map<string, number>();

  constructor(private readonly max = 50_000) {}

  get size(): number {
    return this.keys.size;
  }

  /** True the first time a key is offered (the entry should be shown), false for a repeat. */
  admit(key: string, time: number): boolean {
    if (this.keys.has(key)) return false;
    this.keys.set(key, time);
    if (this.keys.size > this.max) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return true;
  }

  /** Forgets entries older than `time`: the next read starts after them, so they cannot be offered again. */
  forgetBefore(time: number): void {
    for (const [k, t] of this.keys) if (t < time) this.keys.delete(k);
  }
}
