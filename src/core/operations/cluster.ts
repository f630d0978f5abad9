/**
 * The verbs of `confluent connect cluster ...` (create, update, delete, pause, resume, describe, list) as operations
 * on an environment's cluster: every change through the audit (marked `via: connect cluster`), returning data. They
 * use only the ConnectCluster interface, so they work on every backend, as the Confluent CLI's users expect them to
 * on Confluent Cloud and as the dev stack's users use them.
 */
import type { ConnectorStatus, ObservedState, TargetState } from '../../connect/cluster.js';
import { UserError } from '../../errors.js';
import { describeConnector, overallState, waitForState, type ConnectorDescription } from '../operate/connectors.js';
import {
  createFromSpec,
  requireAll,
  updateConnector,
  type ConnectorSpec,
  type CreateOutcome,
  type UpdateOutcome,
} from '../operate/confluent-verbs.js';
import type { AuditedAction, Operation } from './audit.js';

// How a `--config-file` and `--config k=v,...` are read: the CLI maps its arguments with these.
export { parseConnectorFile, parseOverrides, type ConnectorSpec } from '../operate/confluent-verbs.js';

const via = (action: string, connector: string, more: Record<string, unknown> = {}): AuditedAction => ({
  action,
  connector,
  details: { via: 'connect cluster', ...more },
});

/** `create --config-file`: fails when the connector exists; with offsets, it starts from them. */
export function createConnector(op: Operation, spec: ConnectorSpec): Promise<CreateOutcome> {
  return op.audit(
    via('ops:create', spec.name, { offsets: spec.offsets?.length ?? 0 }),
    () => createFromSpec(op.connect, spec),
    (x) => ({ state: overallState(x.status) }),
  );
}

/** `update <name>`: a new configuration from a file, and/or keys overridden. */
export function updateConnectorConfig(
  op: Operation,
  name: string,
  u: { spec?: ConnectorSpec; overrides?: Record<string, string> },
): Promise<UpdateOutcome> {
  return op.audit(
    via('ops:update', name),
    () => updateConnector(op.connect, name, u),
    (x) => ({ changed: x.changed }),
  );
}

export interface EachOutcome {
  done: string[];
  failed: { name: string; error: string }[];
}

/** A verb on several connectors: every name is checked first (nothing changes if one is missing), each change audited. */
async function each(
  op: Operation,
  names: string[],
  action: string,
  run: (name: string) => Promise<void>,
): Promise<EachOutcome> {
  await requireAll(op.connect, names);
  const done: string[] = [];
  const failed: { name: string; error: string }[] = [];
  for (const n of names) {
    try {
      await op.audit(via(action, n), () => run(n));
      done.push(n);
    } catch (e) {
      if (!(e instanceof UserError) && !(e instanceof Error)) throw e;
      failed.push({ name: n, error: e.message });
    }
  }
  return { done, failed };
}

/** `delete <name...> --force` (the caller has checked --force). */
export function deleteConnectors(op: Operation, names: string[]): Promise<EachOutcome> {
  return each(op, names, 'ops:delete', (n) => op.connect.delete(n));
}

export interface StatesOutcome extends EachOutcome {
  /** Where each changed connector got to within the wait. */
  states: { name: string; status: ObservedState }[];
}

/** `pause|resume <name...>`: each asked, then each waited for (Confluent Cloud answers 202 and moves later). */
export async function changeStates(
  op: Operation,
  names: string[],
  verb: 'pause' | 'resume',
  o: { timeoutMs: number },
): Promise<StatesOutcome> {
  const target: TargetState = verb === 'pause' ? 'PAUSED' : 'RUNNING';
  const r = await each(op, names, `ops:${verb}`, (n) => op.connect[verb](n));
  const states: StatesOutcome['states'] = [];
  for (const n of r.done)
    states.push({
      name: n,
      status: overallState((await waitForState(op.connect, n, target, { timeoutMs: o.timeoutMs, pollMs: 300 })).status),
    });
  return { ...r, states };
}

/** `describe <name>`: config, status and tasks. */
export function describeOne(op: Pick<Operation, 'connect'>, name: string): Promise<ConnectorDescription> {
  return describeConnector(op.connect, name);
}

export interface ConnectorRow {
  id: string;
  name: string;
  status: ObservedState;
  type: string;
  /** The first line of the connector's trace, or of its first failed task's (Confluent prints it in list). */
  trace: string;
}

/** `list`: every connector with status, type and trace, by name (one listing). */
export async function listConnectors(op: Pick<Operation, 'connect'>): Promise<ConnectorRow[]> {
  const snap = await op.connect.collect();
  return snap.connectors
    .map((x) => ({
      id: x.name,
      name: x.name,
      status: overallState(x.status),
      type: x.status.type,
      trace: traceOf(x.status),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function traceOf(s: ConnectorStatus): string {
  const t = s.trace ?? s.tasks.find((x) => x.trace)?.trace ?? '';
  return t.split('\n')[0] ?? '';
}
