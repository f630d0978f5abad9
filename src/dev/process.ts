import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, openSync as open, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StartSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr of the process go here (appended). */
  consoleFile: string;
  uid?: number;
  gid?: number;
}

/**
 * Starts a process in its own process group, detached from kcops, so `dev up` can exit while the stack runs.
 * Returns its pid.
 */
export function startDetached(spec: StartSpec): number {
  const fd = openSync(spec.consoleFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
      ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
      ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/**
 * True when `pid` is alive AND is the process we started (its command line carries our marker), so a recycled pid
 * is never mistaken for ours and never signalled.
 */
export function isOurs(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes(marker)) return true;
    // A zombie has an empty cmdline: not ours any more.
    return false;
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Returns how it ended. */
export async function stopProcess(
  pid: number,
  marker: string,
  graceMs: number,
): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isOurs(pid, marker)) return 'not-running';
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurs(pid, marker)) return 'stopped';
    await sleep(200);
  }
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 25 && isOurs(pid, marker); i++) await sleep(200);
  return 'killed';
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** The last `lines` lines of a file (reads at most the last 64 KiB). */
export function tailFile(path: string, lines: number): string[] {
  if (!existsSync(path)) return [];
  const size = statSync(path).size;
  const len = Math.min(size, 64 * 1024);
  const buf = Buffer.alloc(len);
  const fd = open(path, 'r');
  try {
    readSync(fd, buf, 0, len, size - len);
  } finally {
    closeSync(fd);
  }
  const all = buf.toString('utf8').split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all.slice(-lines);
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
