import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { resolveInside, writeInside, type Boundary } from '../fs/boundary.js';

/**
 * Single active monitor per environment (REQ-MON-003: two monitors must never both page). A lease file holds who is
 * active and until when; the holder renews it every round. Unlike the deployment lock (which trusts a pid on the same
 * host), a lease expires by time, so a monitor on another host, or one killed with SIGKILL, is replaced once its
 * lease runs out. Put the file on storage every instance sees (the repository, or a shared volume through
 * KCOPS_ALERT_STATE_DIR). Two standbys that take an expired lease at the same moment both write it; each reads it back
 * after a pause and only the one whose id is there goes on (last writer wins), so at most one is active after the
 * pause.
 */
export interface LeaseHolder {
  id: string;
  host: string;
  pid: number;
  renewedAt: string;
  expiresAt: string;
}

const holderSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  renewedAt: z.string(),
  expiresAt: z.string(),
});

export interface Lease {
  readonly id: string;
  /** Takes or renews the lease; false while another live holder has it. */
  tryHold(now?: Date): Promise<boolean>;
  /** Who holds it now (undefined: nobody, or an unreadable file). */
  holder(): LeaseHolder | undefined;
  /** Gives it up if held by us, so a standby takes over at once (SIGTERM). */
  release(): void;
}

export interface LeaseOptions {
  boundary: Boundary;
  file: string;
  ttlMs: number;
  /** Pause before reading a freshly taken lease back (see above). */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function fileLease(o: LeaseOptions): Lease {
  const id = randomUUID();
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const read = (): LeaseHolder | undefined => {
    try {
      const parsed = holderSchema.safeParse(JSON.parse(readFileSync(resolveInside(o.boundary, o.file), 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
  const write = (now: Date): void => {
    const h: LeaseHolder = {
      id,
      host: hostname(),
      pid: process.pid,
      renewedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + o.ttlMs).toISOString(),
    };
    // Write beside, then rename: a reader never sees half a file.
    const tmp = `${o.file}.${id}.tmp`;
    writeInside(o.boundary, tmp, JSON.stringify(h) + '\n');
    renameSync(resolveInside(o.boundary, tmp), resolveInside(o.boundary, o.file));
  };
  const createExclusive = (now: Date): boolean => {
    try {
      const real = resolveInside(o.boundary, o.file);
      mkdirSync(dirname(real), { recursive: true });
      const fd = openSync(real, 'wx', 0o644);
      closeSync(fd);
    } catch {
      return false;
    }
    write(now);
    return true;
  };
  return {
    id,
    holder: read,
    async tryHold(now = new Date()) {
      const h = read();
      if (h?.id === id) {
        write(now);
        return true;
      }
      const live = h && Date.parse(h.expiresAt) > now.getTime();
      if (live) return false;
      // Nobody, an expired holder or an unreadable file: take it, then check that we were the last to write.
      if (!h && createExclusive(now)) return true;
      write(now);
      await sleep(o.settleMs ?? 200);
      return read()?.id === id;
    },
    release() {
      if (read()?.id !== id) return;
      try {
        unlinkSync(resolveInside(o.boundary, o.file));
      } catch {
        // Already gone: nothing to give up.
      }
    },
  };
}
