import type { ClusterTraits, ConnectCluster, TargetState } from '../../connect/cluster.js';
import { UserError } from '../../errors.js';

/**
 * What this apply verifiably did to one connector, step by step (issue 19 §1): a rollback undoes these steps and
 * nothing else, so it never deletes or overwrites what someone else created or changed meanwhile.
 *
 * A step is `ours` when the cluster acknowledged it (the create answered 201, the PUT 200/201, the DELETE 204, ...).
 * `theirs` when the cluster said it was someone else's (the create answered "already exists": another apply or a
 * person created the connector between the plan's snapshot and the POST). `unknown` when the call failed in a way
 * that may or may not have taken effect (a timeout, a worker killed mid-request, a 5xx); `verifyStep` settles it by
 * reading the cluster: ours only when what is there is exactly what this apply sent.
 */
export type StepKind = 'create' | 'config' | 'delete' | 'state';
export type StepVerdict = 'ours' | 'theirs' | 'unknown';

export interface Step {
  kind: StepKind;
  verdict: StepVerdict;
  /** What was sent: the config of a create or config write, the target of a state change. */
  config?: Record<string, string>;
  state?: TargetState;
}

/** The code both backends give a create refused because the name is taken ("already exists"). */
export const ALREADY_EXISTS = 'CONNECTOR_EXISTS';

export function isAlreadyExists(e: unknown): boolean {
  return e instanceof UserError && e.code === ALREADY_EXISTS;
}

/** Runs one mutating call and records it as a step: the verdict comes from how the call ended. */
export async function step(steps: Step[], s: Omit<Step, 'verdict'>, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (e) {
    steps.push({ ...s, verdict: s.kind === 'create' && isAlreadyExists(e) ? 'theirs' : 'unknown' });
    throw e;
  }
  steps.push({ ...s, verdict: 'ours' });
}

/**
 * Turns an `unknown` step into `ours`, `theirs` or nothing (undefined: the step did not take effect), by reading the
 * connector now. Errors of the reads propagate: the caller must then not undo anything it cannot attribute.
 */
export async function verifyStep(
  cluster: ConnectCluster,
  name: string,
  s: Step,
  before: Record<string, string> | undefined,
): Promise<StepVerdict | undefined> {
  if (s.verdict !== 'unknown') return s.verdict;
  switch (s.kind) {
    case 'create': {
      const stored = await cluster.connectorConfig(name);
      if (stored === undefined) return undefined;
      return sameConfig(stored, s.config ?? {}, cluster.traits) ? 'ours' : 'theirs';
    }
    case 'config': {
      const stored = await cluster.connectorConfig(name);
      if (stored !== undefined && sameConfig(stored, s.config ?? {}, cluster.traits)) return 'ours';
      if (stored !== undefined && before && sameConfig(stored, before, cluster.traits)) return undefined;
      return 'theirs';
    }
    case 'delete':
      // Gone, as this apply asked: putting it back restores the snapshot (a re-create loses nothing of anyone's).
      return (await cluster.connectorConfig(name)) === undefined ? 'ours' : undefined;
    case 'state': {
      const st = await cluster.status(name);
      return st?.state === s.state ? 'ours' : undefined;
    }
  }
}

/**
 * Whether a stored config is exactly what was sent: same keys and values, apart from keys the server manages itself
 * (`name`; Cloud's endpoint keys) and values the server masks (Cloud's secrets, which cannot be compared).
 */
export function sameConfig(
  stored: Record<string, string>,
  sent: Record<string, string>,
  traits: ClusterTraits,
): boolean {
  const managed = new Set(traits.serverManagedKeys);
  const a = Object.keys(stored).filter((k) => !managed.has(k));
  const b = Object.keys(sent).filter((k) => !managed.has(k));
  if (a.length !== b.length) return false;
  return b.every((k) => Object.hasOwn(stored, k) && (stored[k] === sent[k] || traits.isMasked(stored[k]!)));
}
