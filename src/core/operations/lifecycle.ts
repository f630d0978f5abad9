/**
 * Connector lifecycle as operations: pause, resume, stop, restart and delete, each through the audit, returning what
 * the connector looked like afterwards. `connect pause|resume|stop|restart|delete` and the monitor's automatic restarts
 * call these; nothing here knows a terminal.
 */
import type { ConnectorStatus, TargetState } from '../../connect/cluster.js';
import {
  overallState,
  requireStatus,
  restartAllFailed,
  restartConnector,
  waitForState,
  type RestartOutcome,
  type RestartRequest,
} from '../operate/connectors.js';
import type { Operation } from './audit.js';

export type StateChange = 'pause' | 'resume' | 'stop';
export const TARGET_STATE: Record<StateChange, TargetState> = { pause: 'PAUSED', resume: 'RUNNING', stop: 'STOPPED' };

export interface StateChangeResult {
  status: ConnectorStatus;
  reached: boolean;
  waitedMs: number;
}

/** Asks for the state and waits (bounded) until the connector and its tasks are there, or FAILED. */
export async function changeState(
  op: Operation,
  name: string,
  action: StateChange,
  o: { timeoutMs: number },
): Promise<StateChangeResult> {
  const c = op.connect;
  await requireStatus(c, name);
  return op.audit(
    { action: `ops:${action}`, connector: name },
    async () => {
      await c[action](name);
      // Confluent Cloud's pause/resume answer 202 and move the state later: wait for it (bounded).
      return waitForState(c, name, TARGET_STATE[action], { timeoutMs: o.timeoutMs, pollMs: 300 });
    },
    (x) => ({ state: x.status.state }),
  );
}

/** Restarts one connector as asked and waits until it settles. */
export function restart(op: Operation, name: string, req: RestartRequest): Promise<RestartOutcome> {
  return op.audit(
    { action: 'ops:restart', connector: name, details: { ...req } },
    () => restartConnector(op.connect, name, req),
    (r) => ({ restarted: r.restarted, state: overallState(r.after) }),
  );
}

/** Restarts the failed instances of every connector that has one. */
export function restartFailed(op: Operation): Promise<RestartOutcome[]> {
  return op.audit(
    { action: 'ops:restart-all-failed', connector: '*' },
    () => restartAllFailed(op.connect),
    (r) => ({ connectors: r.map((x) => x.connector) }),
  );
}

/**
 * The monitor's automatic restart: the failed instances of one connector, recorded as ops:auto-restart, without
 * waiting for it to settle (the next round sees how it went).
 */
export function autoRestart(op: Operation, name: string, details: Record<string, unknown>): Promise<void> {
  return op.audit({ action: 'ops:auto-restart', connector: name, details }, () =>
    op.connect.restart(name, { includeTasks: true, onlyFailed: true }),
  );
}

export async function deleteConnector(op: Operation, name: string): Promise<void> {
  await requireStatus(op.connect, name);
  await op.audit({ action: 'ops:delete', connector: name }, () => op.connect.delete(name));
}
