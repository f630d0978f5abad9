import { existsSync, rmSync } from 'node:fs';
import type { Reporter } from '../core/reporter.js';
import { stopProcess } from './process.js';
import { layout, type Component, type DevSettings } from './settings.js';
import { readState } from './state.js';

export interface DownResult {
  stopped: { component: Component; pid: number; how: 'stopped' | 'killed' | 'not-running' }[];
  purged: string[];
}

/** Workers first (they leave the group cleanly while the broker is up), then the rest. */
const STOP_ORDER: Component[] = ['shipper', 'worker-2', 'worker-1', 'broker', 's3', 'postgres'];

/** Stops exactly the processes this dev home started (pid + marker), gracefully, then forcefully. */
export async function devDown(
  s: DevSettings,
  reporter: Reporter,
  opts: { purge: boolean; graceMs?: number },
): Promise<DownResult> {
  const l = layout(s);
  const state = readState(l.state);
  const stopped: DownResult['stopped'] = [];
  if (state) {
    const step = reporter.step('Stopping the dev stack');
    for (const c of STOP_ORDER) {
      const p = state.processes[c];
      if (!p) continue;
      step.update(c);
      stopped.push({ component: c, pid: p.pid, how: await stopProcess(p.pid, p.marker, opts.graceMs ?? 20_000) });
    }
    step.done('Dev stack stopped');
  }
  const purged: string[] = [];
  if (opts.purge) {
    const dirs = [s.home, state?.postgres.dataDir].filter((d): d is string => !!d && existsSync(d));
    for (const d of dirs) {
      rmSync(d, { recursive: true, force: true });
      purged.push(d);
    }
  } else if (state) {
    // Keep data and credentials, forget the processes.
    rmSync(l.state, { force: true });
  }
  return { stopped, purged };
}
