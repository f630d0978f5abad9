import { sleepUnlessAborted } from '../sleep.js';
import { SeenWindow } from './seen-window.js';

/**
 * The one follow loop of the polled log sources (CloudWatch Logs, Elasticsearch, the Confluent Cloud logs API): ask
 * the service for what arrived since a little before the last poll (services ingest late), drop what was already
 * shown, hand the rest over, wait, repeat until the signal aborts. Memory is bounded whatever runs for days: repeats
 * are caught by a SeenWindow that forgets keys once they fall behind the re-read overlap and never holds more than
 * its cap of keys. (Worker files are followed by offset instead: follow-files.ts re-reads nothing.)
 */
export interface FollowLoop<T> {
  signal: AbortSignal;
  /** What arrived from `since` (to `until`, the time of this poll, for sources that take an end). */
  poll(since: number, until: number): Promise<T[]>;
  /** An id that is the same when the service returns the item again (event id, `_index/_id`, ...); none: no dedup. */
  key(item: T): string | undefined;
  /** The item's time, when it has one. */
  time(item: T): number | undefined;
  onItem(item: T): void;
  /** After each poll, with the items it delivered (e.g. flush the entries of streams that went quiet). */
  afterPoll?(delivered: readonly T[]): void;
  /** How far before the last position each poll re-reads. */
  overlapMs: number;
  pollMs: number;
  /**
   * 'items': the next poll starts at the newest item time seen (CloudWatch, Elasticsearch: their clocks rule);
   * 'clock': at the time the last poll was made (Cloud logs API, whose search window is given in wall-clock time).
   */
  advance: 'items' | 'clock';
  /** Sleep before the first poll (a source whose first answer the caller already printed with read()). */
  sleepFirst?: boolean;
  /** What the loop remembers (default: a SeenWindow of at most 50,000 keys); given, the caller can watch its size. */
  seen?: SeenWindow;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export async function followLoop<T>(o: FollowLoop<T>): Promise<void> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? sleepUnlessAborted;
  const seen = o.seen ?? new SeenWindow();
  let from = now();
  let first = true;
  while (!o.signal.aborted) {
    if (o.sleepFirst || !first) {
      await sleep(o.pollMs, o.signal);
      if (o.signal.aborted) break;
    }
    first = false;
    const polledAt = now();
    const items = await o.poll(from - o.overlapMs, polledAt);
    const delivered: T[] = [];
    let newest = from;
    for (const item of items) {
      const t = o.time(item);
      const key = o.key(item);
      if (key !== undefined && !seen.admit(key, t ?? polledAt)) continue;
      if (t !== undefined) newest = Math.max(newest, t);
      delivered.push(item);
      o.onItem(item);
    }
    o.afterPoll?.(delivered);
    from = o.advance === 'clock' ? polledAt : newest;
    // Anything before the next poll's window cannot come back: forget it.
    seen.forgetBefore(from - o.overlapMs);
  }
}
