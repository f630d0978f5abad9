import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { sleepUnlessAborted } from '../sleep.js';
import { resolveInside, type Boundary } from './boundary.js';

/**
 * A lock file: created with O_EXCL, holding who took it (user, host, pid, the process's start tick, since when and
 * for what). Used for audit appends and for deployments. A lock whose process is gone (same host, pid not alive or
 * alive but started later: a reused pid) is stale and taken over; a live one is waited for, with a bound, and then
 * named in the error. A lock of another host cannot be checked and is never taken over.
 */
export interface LockHolder {
  user: string;
  host: string;
  pid: number;
  /** The process start time in clock ticks since boot (Linux /proc), to tell a reused pid from the holder. */
  pidStart: string | null;
  since: string;
  purpose: string;
}

const holderSchema = z.object({
  user: z.string(),
  host: z.string(),
  pid: z.number().int(),
  pidStart: z.string().nullable(),
  since: z.string(),
  purpose: z.string(),
});

export interface HeldLock {
  file: string;
  holder: LockHolder;
  /** Stale locks taken over to get this one (for a notice). */
  tookOver: LockHolder | undefined;
  release(): void;
}

export interface LockRequest {
  boundary: Boundary;
  file: string;
  /** What the lock is for, shown to whoever waits: e.g. `kcops apply --env prod`. */
  purpose: string;
  /** How long to wait for a live holder; 0 fails at once. */
  timeoutMs: number;
  /** Error code when the wait is over. */
  code: 'DEPLOY_LOCKED' | 'AUDIT_LOCKED';
  /** What the lock protects, for the message: e.g. `environment 'prod'`. */
  what: string;
  /** The flag or setting that sets the wait, for the hint. */
  waitHint: string;
  pollMs?: number;
  /** Called once when the lock is held by someone else and the wait begins. */
  onWait?: (holder: LockHolder | undefined) => void;
}

export async function acquireLock(r: LockRequest): Promise<HeldLock> {
  const deadline = Date.now() + r.timeoutMs;
  let told = false;
  for (;;) {
    const got = tryAcquire(r);
    if ('lock' in got) return got.lock;
    if (Date.now() >= deadline) throw lockedError(r, got.holder);
    if (!told) r.onWait?.(got.holder);
    told = true;
    await sleepUnlessAborted(Math.min(r.pollMs ?? 200, Math.max(1, deadline - Date.now())));
  }
}

/** The same, for the synchronous audit append: the holder's critical section is a few milliseconds. */
export function acquireLockSync(r: LockRequest): HeldLock {
  const deadline = Date.now() + r.timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const got = tryAcquire(r);
    if ('lock' in got) return got.lock;
    if (Date.now() >= deadline) throw lockedError(r, got.holder);
    Atomics.wait(pause, 0, 0, Math.min(r.pollMs ?? 20, Math.max(1, deadline - Date.now())));
  }
}

export function describeHolder(h: LockHolder | undefined): string {
  if (!h) return 'an unknown holder (the lock file is unreadable)';
  return `${h.user} on ${h.host} (pid ${h.pid}, ${h.purpose}) since ${h.since}`;
}

function tryAcquire(r: LockRequest): { lock: HeldLock } | { holder: LockHolder | undefined } {
  const file = resolveInside(r.boundary, r.file);
  const me = currentHolder(r.purpose);
  let tookOver: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(file, me)) return { lock: held(file, me, tookOver) };
    const holder = readHolder(file);
    if (holder === 'gone') continue; // released between our two calls
    if (holder === undefined || !isStale(holder)) return { holder };
    if (!takeOver(file, holder)) continue;
    tookOver = holder;
  }
  const holder = readHolder(file);
  return { holder: holder === 'gone' ? undefined : holder };
}

function create(file: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw noDirectory(file, e);
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(me) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Moves the stale lock aside (rename is atomic: of two processes that both judged it stale, one gets it) and checks
 * that what was moved is the stale lock; if it was a fresh lock someone took meanwhile, it is put back.
 */
function takeOver(file: string, stale: LockHolder): boolean {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch {
    return false;
  }
  const moved = readHolder(aside);
  if (moved !== 'gone' && moved !== undefined && JSON.stringify(moved) !== JSON.stringify(stale)) {
    try {
      linkSync(aside, file);
    } catch {
      // someone created a lock in the gap: theirs stands
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
  return true;
}

function held(file: string, me: LockHolder, tookOver: LockHolder | undefined): HeldLock {
  let released = false;
  return {
    file,
    holder: me,
    tookOver,
    release() {
      if (released) return;
      released = true;
      // Only our own lock is removed: if it was taken over meanwhile (we were judged dead), it is not ours any more.
      const now = readHolder(file);
      if (now !== 'gone' && now !== undefined && now.pid === me.pid && now.since === me.since && now.host === me.host)
        unlinkSync(file);
    },
  };
}

function readHolder(file: string): LockHolder | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return undefined;
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function isStale(h: LockHolder): boolean {
  if (h.host !== hostname()) return false;
  if (!pidAlive(h.pid)) return true;
  const start = processStart(h.pid);
  return h.pidStart !== null && start !== null && start !== h.pidStart;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (start time in ticks since boot); null where there is no /proc. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function currentHolder(purpose: string): LockHolder {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return {
    user,
    host: hostname(),
    pid: process.pid,
    pidStart: processStart(process.pid),
    since: new Date().toISOString(),
    purpose,
  };
}

function lockedError(r: LockRequest, h: LockHolder | undefined): UserError {
  const waited = r.timeoutMs > 0 ? ` after waiting ${Math.round(r.timeoutMs / 1000)}s` : '';
  const sameHost = h?.host === hostname();
  const message = `${r.what} is locked by ${describeHolder(h)}${waited} (lock file ${r.file}).`;
  const options = {
    hint:
      `Wait for it to finish (${r.waitHint} waits). ` +
      (sameHost || !h
        ? `If that process is gone and the lock stayed, kcops takes it over by itself; a lock it cannot read must be removed by hand: rm ${r.file}.`
        : `It is held from another host, which kcops cannot check: if that run is gone, remove ${r.file}.`),
  };
  // Spelled out so the list of error codes (docs/reference/exit-codes.md) can be checked against the source.
  return r.code === 'AUDIT_LOCKED'
    ? new UserError('AUDIT_LOCKED', message, options)
    : new UserError('DEPLOY_LOCKED', message, options);
}

function noDirectory(file: string, cause: unknown): UserError {
  return new UserError('LOCK_FAILED', `Cannot create the lock file ${file}: its directory does not exist.`, {
    cause,
  });
}
