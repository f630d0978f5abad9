import { UserError } from '../../errors.js';
import type {
  ConnectCluster,
  ConnectorOffset,
  ConnectorStatus,
  ObservedState,
  TargetState,
} from '../../connect/cluster.js';
import { MASK, redactConfig } from '../secrets/sensitive.js';

export interface ConnectorRow {
  name: string;
  type: string;
  state: ObservedState;
  class: string;
  workerId: string | null;
  tasks: { total: number; running: number; failed: number; other: number };
}

export interface ListFilter {
  /** Substring of the name. */
  name?: string;
  regex?: RegExp;
  states?: ObservedState[];
}

/** One request (collect), whatever the number of connectors. */
export async function listConnectors(cluster: ConnectCluster, f: ListFilter = {}): Promise<ConnectorRow[]> {
  const snap = await cluster.collect();
  return snap.connectors
    .filter((c) => (f.name ? c.name.includes(f.name) : true))
    .filter((c) => (f.regex ? f.regex.test(c.name) : true))
    .filter((c) =>
      f.states && f.states.length > 0
        ? f.states.includes(c.status.state) || c.status.tasks.some((t) => f.states!.includes(t.state))
        : true,
    )
    .map((c) => ({
      name: c.name,
      type: c.status.type,
      state: c.status.state,
      class: c.config['connector.class'] ?? '',
      workerId: c.status.workerId ?? null,
      tasks: taskCounts(c.status),
    }));
}

export function taskCounts(s: ConnectorStatus): ConnectorRow['tasks'] {
  const running = s.tasks.filter((t) => t.state === 'RUNNING').length;
  const failed = s.tasks.filter((t) => t.state === 'FAILED').length;
  return { total: s.tasks.length, running, failed, other: s.tasks.length - running - failed };
}

/** A connector's overall health in one word: FAILED when the connector or any task failed. */
export function overallState(s: ConnectorStatus): ObservedState {
  if (s.state === 'FAILED' || s.tasks.some((t) => t.state === 'FAILED')) return 'FAILED';
  return s.state;
}

export { MASK };

/**
 * Config for display: literal secrets masked (sensitive keys, and credentials inside values); references such as
 * `${file:...:sasl.jaas.config}` stay visible, since they are where the secret lives, not the secret.
 */
export function maskConfig(config: Record<string, string>): Record<string, string> {
  return redactConfig(config);
}

export interface ConnectorDescription {
  name: string;
  type: string;
  state: ObservedState;
  overall: ObservedState;
  class: string;
  workerId: string | null;
  config: Record<string, string>;
  tasks: { id: number; state: ObservedState; workerId: string | null; trace: string | null }[];
  workers: string[];
  /** null when the cluster does not track topics. */
  topics: string[] | null;
  trace: string | null;
}

export async function describeConnector(cluster: ConnectCluster, name: string): Promise<ConnectorDescription> {
  const [status, config, topics] = await Promise.all([
    cluster.status(name),
    cluster.connectorConfig(name),
    cluster.connectorTopics(name).catch(() => undefined),
  ]);
  if (!status || !config) throw notFound(name);
  const workers = [
    ...new Set([status.workerId, ...status.tasks.map((t) => t.workerId)].filter((w): w is string => !!w)),
  ].sort();
  return {
    name,
    type: status.type,
    state: status.state,
    overall: overallState(status),
    class: config['connector.class'] ?? '',
    workerId: status.workerId ?? null,
    config: maskConfig(config),
    tasks: status.tasks.map((t) => ({
      id: t.id,
      state: t.state,
      workerId: t.workerId ?? null,
      trace: t.trace ?? null,
    })),
    workers,
    topics: topics ?? null,
    trace: status.trace ?? null,
  };
}

export async function requireStatus(cluster: ConnectCluster, name: string): Promise<ConnectorStatus> {
  const s = await cluster.status(name);
  if (!s) throw notFound(name);
  return s;
}

export function notFound(name: string): UserError {
  return new UserError('CONNECTOR_NOT_FOUND', `There is no connector '${name}' on this cluster.`, {
    hint: 'List what exists with `kcops connect list` (and check --env).',
  });
}

export interface RestartOutcome {
  connector: string;
  /** What was restarted: 'connector' and/or task ids. */
  restarted: { connector: boolean; tasks: number[] };
  before: ConnectorStatus;
  after: ConnectorStatus;
}

export interface RestartRequest {
  onlyFailed: boolean;
  includeTasks: boolean;
}

/**
 * Restarts and waits (bounded) until nothing is RESTARTING or UNASSIGNED any more, so the answer says how it ended.
 * Connect's own semantics: onlyFailed restarts only FAILED instances; includeTasks extends the restart to tasks.
 */
export async function restartConnector(
  cluster: ConnectCluster,
  name: string,
  r: RestartRequest,
  o: { settleMs?: number; pollMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<RestartOutcome> {
  const before = await requireStatus(cluster, name);
  const restarted = {
    connector: !r.onlyFailed || before.state === 'FAILED',
    tasks: r.includeTasks ? before.tasks.filter((t) => !r.onlyFailed || t.state === 'FAILED').map((t) => t.id) : [],
  };
  await cluster.restart(name, { onlyFailed: r.onlyFailed, includeTasks: r.includeTasks });
  const after = await settle(cluster, name, o);
  return { connector: name, restarted, before, after };
}

export async function settle(
  cluster: ConnectCluster,
  name: string,
  o: { settleMs?: number; pollMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<ConnectorStatus> {
  const wait = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (o.settleMs ?? 15_000);
  const transient = (s: ObservedState) => s === 'RESTARTING' || s === 'UNASSIGNED';
  for (;;) {
    await wait(o.pollMs ?? 500);
    const s = await requireStatus(cluster, name);
    if ((!transient(s.state) && !s.tasks.some((t) => transient(t.state))) || Date.now() >= deadline) return s;
  }
}

/** How long pause/resume/stop wait for the state they asked for, unless `--wait-timeout` says otherwise. */
export const DEFAULT_STATE_WAIT_MS = 60_000;

/**
 * After pause/resume/stop: waits (bounded by `timeoutMs`) until the connector is in `target` with every task there
 * too, or FAILED, and returns what it last saw. Self-managed Connect gets there in a second; Confluent Cloud answers
 * 202 and moves the state later (its pause and resume are asynchronous), so answering after the first look would
 * report the old state. Polls after `pollMs`, then a little less often (x1.5, at most 4 x `pollMs`): Cloud's API is
 * rate-limited.
 */
export async function waitForState(
  cluster: ConnectCluster,
  name: string,
  target: TargetState,
  o: { timeoutMs?: number; pollMs?: number; sleep?: (ms: number) => Promise<void>; now?: () => number } = {},
): Promise<{ status: ConnectorStatus; reached: boolean; waitedMs: number }> {
  const wait = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const start = now();
  const timeoutMs = o.timeoutMs ?? DEFAULT_STATE_WAIT_MS;
  const poll = o.pollMs ?? 300;
  for (let round = 0; ; round++) {
    const s = await requireStatus(cluster, name);
    const reached = s.state === target && s.tasks.every((t) => t.state === target);
    const waitedMs = now() - start;
    if (reached || overallState(s) === 'FAILED' || waitedMs >= timeoutMs) return { status: s, reached, waitedMs };
    await wait(Math.max(1, Math.min(poll * 1.5 ** round, poll * 4, timeoutMs - waitedMs)));
  }
}

/** `restart --all-failed`: every connector that failed or has a failed task, failed instances only. */
export async function restartAllFailed(
  cluster: ConnectCluster,
  o: { settleMs?: number; pollMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<RestartOutcome[]> {
  const snap = await cluster.collect();
  const failed = snap.connectors.filter((c) => overallState(c.status) === 'FAILED').map((c) => c.name);
  const out: RestartOutcome[] = [];
  for (const name of failed)
    out.push(await restartConnector(cluster, name, { onlyFailed: true, includeTasks: true }, o));
  return out;
}

/** Offsets can only be changed on a STOPPED connector (KIP-875); say how to get there instead of a bare 400. */
export async function requireStopped(cluster: ConnectCluster, name: string, verb: string): Promise<void> {
  const s = await requireStatus(cluster, name);
  if (s.state !== 'STOPPED') {
    throw new UserError(
      'CONNECTOR_NOT_STOPPED',
      `Connector ${name} is ${s.state}; offsets can only be ${verb} while it is STOPPED.`,
      {
        hint: `Run \`kcops connect stop ${name}\`, then this command, then \`kcops connect resume ${name}\`.`,
      },
    );
  }
}

/** Parses `--offsets-file` content: `{"offsets":[...]}` or a bare list, each `{partition:{..}, offset:{..}|null}`. */
export function parseOffsets(text: string, source: string): ConnectorOffset[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError('OFFSETS_INVALID', `${source} is not JSON: ${(e as Error).message}.`, { exitCode: 2 });
  }
  const list = Array.isArray(doc) ? doc : (doc as { offsets?: unknown })?.offsets;
  const bad = (why: string) =>
    new UserError('OFFSETS_INVALID', `${source}: ${why}.`, {
      exitCode: 2,
      hint: 'Expected {"offsets":[{"partition":{...},"offset":{...}}]}, the shape `kcops connect offsets get -o json` prints.',
    });
  if (!Array.isArray(list) || list.length === 0) throw bad('no offsets');
  return list.map((x: unknown, i) => {
    const o = x as { partition?: unknown; offset?: unknown };
    if (!o || typeof o.partition !== 'object' || o.partition === null)
      throw bad(`offsets[${i}] has no partition object`);
    if (o.offset !== null && typeof o.offset !== 'object') throw bad(`offsets[${i}].offset must be an object or null`);
    return {
      partition: o.partition as Record<string, unknown>,
      offset: (o.offset ?? null) as Record<string, unknown> | null,
    };
  });
}
