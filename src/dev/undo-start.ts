import { isOurs, stopProcess } from './process.js';
import type { Component } from './settings.js';

export interface StartedProcess {
  component: Component;
  pid: number;
  /** See ProcessEntry.marker: only a live process carrying it is signalled. */
  marker: string;
}

export interface UndoResult {
  stopped: StartedProcess[];
  stillRunning: StartedProcess[];
  /** What to tell the user, as error details. */
  note: string[];
}

/**
 * A `dev up` that fails half-way stops what it started itself, newest first (workers before the broker), so no broker,
 * S3 server or PostgreSQL is left holding ports and memory with nobody told. What it could not stop is named, with the
 * command that stops it.
 */
export async function undoStart(started: StartedProcess[], home: string, graceMs = 15_000): Promise<UndoResult> {
  const stopped: StartedProcess[] = [];
  const stillRunning: StartedProcess[] = [];
  for (const p of [...started].reverse()) {
    await stopProcess(p.pid, p.marker, graceMs).catch(() => undefined);
    (isOurs(p.pid, p.marker) ? stillRunning : stopped).push(p);
  }
  const list = (ps: StartedProcess[]) => ps.map((p) => `${p.component} (pid ${p.pid})`).join(', ');
  const note: string[] = [];
  if (stopped.length > 0) note.push(`Stopped what this run had started: ${list(stopped)}.`);
  if (stillRunning.length > 0)
    note.push(`Still running: ${list(stillRunning)}; stop it with \`kcops dev down --home ${home}\`.`);
  if (started.length === 0) note.push('Nothing had been started.');
  return { stopped, stillRunning, note };
}
