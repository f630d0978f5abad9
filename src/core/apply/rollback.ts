import { setState, type ActualConnector, type ConnectCluster } from '../../connect/cluster.js';
import { describeCause } from '../../errors.js';
import { targetStateOf } from '../plan/normalise.js';
import type { ConnectorChange } from '../plan/types.js';
import type { RollbackOutcome } from './types.js';
import { waitForState, type WaitOptions } from './wait.js';

/**
 * Puts one connector back as the plan's snapshot saw it. Each step is one bounded call (the client's retry budget);
 * the wait afterwards is bounded too and only informs (a connector that was unhealthy before stays so).
 */
export async function rollbackOne(
  cluster: ConnectCluster,
  change: ConnectorChange,
  before: ActualConnector | undefined,
  wait: WaitOptions,
): Promise<RollbackOutcome> {
  if (!before) {
    // Created by this apply (or the create failed half-way): remove it. delete tolerates 404.
    try {
      await cluster.delete(change.connector);
      const w = await waitForState(cluster, change.connector, 'ABSENT', { ...wait, settleMs: 0 });
      return { action: 'delete', result: 'done', healthy: w.ok };
    } catch (e) {
      return { action: 'delete', result: 'failed', error: describeCause(e) };
    }
  }
  const state = targetStateOf(before);
  const { name: _name, ...config } = before.config;
  const action: RollbackOutcome['action'] = change.action === 'delete' ? 'recreate' : 'restore';
  try {
    if (action === 'recreate') {
      await cluster.create(change.connector, config, cluster.traits.supportsInitialState ? state : undefined);
      if (!cluster.traits.supportsInitialState && state !== 'RUNNING') await setState(cluster, change.connector, state);
    } else {
      // PUT config also recreates the connector if a failed step left it missing: no existence check needed.
      await cluster.updateConfig(change.connector, config);
      await setState(cluster, change.connector, state);
    }
  } catch (e) {
    return { action, result: 'failed', error: describeCause(e) };
  }
  const w = await waitForState(cluster, change.connector, state, { ...wait, settleMs: 0 });
  return { action, result: 'done', healthy: w.ok };
}
