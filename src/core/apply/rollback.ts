import { setState, type ActualConnector, type ConnectCluster } from '../../connect/cluster.js';
import { describeCause } from '../../errors.js';
import { targetStateOf } from '../plan/normalise.js';
import { isAlreadyExists, verifyStep, type Step, type StepVerdict } from './ownership.js';
import { restorableConfig, type PreviousConfigs } from './restore-secrets.js';
import type { RollbackOutcome } from './types.js';
import type { WaitTarget } from './wait.js';

export interface RollbackStep {
  outcome: RollbackOutcome;
  /** What the connector should come back to, for the one shared wait after all undo calls (none when untouched). */
  waitFor?: WaitTarget;
  /** Someone else's connector (or someone else's change to it): left alone, reported as a conflict. */
  conflict?: string;
}

/**
 * Undoes what this apply verifiably did to one connector (its `steps`), putting it back as the plan's snapshot saw
 * it. A step that may or may not have happened is first settled by reading the cluster (see ownership.ts); a
 * connector created or changed by someone else is never deleted or overwritten. Each call is one bounded request
 * (the client's retry budget); the caller waits for all restored connectors together.
 */
export async function rollbackOne(
  cluster: ConnectCluster,
  name: string,
  steps: readonly Step[],
  before: ActualConnector | undefined,
  previous: PreviousConfigs = () => [],
): Promise<RollbackStep> {
  const verdicts: { kind: Step['kind']; verdict: StepVerdict }[] = [];
  try {
    for (const s of steps) {
      const v = await verifyStep(cluster, name, s, before?.config);
      if (v) verdicts.push({ kind: s.kind, verdict: v });
    }
  } catch (e) {
    // The cluster could not be read to tell whose the connector is: undo nothing rather than guess.
    return {
      outcome: { action: 'none', result: 'failed', error: `could not check what this apply did: ${describeCause(e)}` },
    };
  }
  const theirs = verdicts.find((v) => v.verdict === 'theirs');
  if (theirs) {
    const why =
      theirs.kind === 'create'
        ? 'it already existed when this apply created it: someone else made it after the plan was computed'
        : 'its config is neither what this apply wrote nor what the plan saw: someone else changed it meanwhile';
    return { outcome: { action: 'none', result: 'skipped', error: `left as it is: ${why}` }, conflict: why };
  }
  const ours = new Set(verdicts.map((v) => v.kind));
  if (ours.size === 0) return { outcome: { action: 'none', result: 'done' } };

  if (ours.has('create')) {
    try {
      await cluster.delete(name);
    } catch (e) {
      return { outcome: { action: 'delete', result: 'failed', error: describeCause(e) } };
    }
    return { outcome: { action: 'delete', result: 'done' }, waitFor: 'ABSENT' };
  }
  if (!before) {
    // Only a create makes a connector that the snapshot did not have; anything else here is a plan/steps mismatch.
    return { outcome: { action: 'none', result: 'failed', error: 'nothing in the snapshot to restore it to' } };
  }
  const state = targetStateOf(before);
  const action: RollbackOutcome['action'] = ours.has('delete') ? 'recreate' : 'restore';
  // The snapshot's secrets are masked on Cloud: they come back from Git's previous revision (restore-secrets.ts).
  const restorable = restorableConfig(before.config, cluster.traits, previous(name), action === 'restore');
  if (!restorable.ok) return { outcome: { action, result: 'failed', error: restorable.reason } };
  const config = restorable.config;
  try {
    if (action === 'recreate') {
      await cluster.create(name, config, cluster.traits.supportsInitialState ? state : undefined);
      if (!cluster.traits.supportsInitialState && state !== 'RUNNING') await setState(cluster, name, state);
    } else {
      // PUT config also recreates the connector if a failed step left it missing: no existence check needed.
      if (ours.has('config')) await cluster.updateConfig(name, config);
      await setState(cluster, name, state);
    }
  } catch (e) {
    if (action === 'recreate' && isAlreadyExists(e)) {
      const why = 'someone created it again after this apply deleted it';
      return { outcome: { action: 'none', result: 'skipped', error: `left as it is: ${why}` }, conflict: why };
    }
    return { outcome: { action, result: 'failed', error: describeCause(e) } };
  }
  return { outcome: { action, result: 'done' }, waitFor: state };
}
