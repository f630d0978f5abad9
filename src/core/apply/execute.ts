import { setState, type ActualConnector, type ConnectCluster, type TargetState } from '../../connect/cluster.js';
import { describeCause, ExitCode } from '../../errors.js';
import { targetStateOf } from '../plan/normalise.js';
import type { ConnectorChange, DesiredConnector } from '../plan/types.js';
import { STATE_FIELD } from '../plan/types.js';
import { assertDeletesApproved } from './approvals.js';
import { forEachLimited } from './pool.js';
import { rollbackOne } from './rollback.js';
import type { ApplyInput, ApplyResult, ApplyStatus, ConnectorOutcome } from './types.js';
import { waitForState } from './wait.js';

/**
 * Carries out a plan: every change with bounded concurrency, each followed by a wait until the connector and its
 * tasks are in the desired state. The first failure stops new changes from starting; then (unless disabled) every
 * connector this apply touched is put back as it was in the snapshot the plan was made from.
 */
export async function executePlan(input: ApplyInput): Promise<ApplyResult> {
  const { plan, cluster, reporter, options } = input;
  assertDeletesApproved(plan, options.approvedDeletes);
  const work = plan.changes.filter((c) => c.action !== 'none');
  if (work.length === 0) return { env: plan.env, status: 'no-changes', outcomes: [], exitCode: ExitCode.Ok };

  const desired = new Map(input.desired.map((d) => [d.name, d]));
  const before = new Map(input.actual.connectors.map((c) => [c.name, c]));
  const outcomes = new Map<string, ConnectorOutcome>();
  const touched: ConnectorChange[] = [];
  let failed = false;

  const step = reporter.step(`Applying ${work.length} change(s) to ${cluster.id}`);
  let done = 0;
  await forEachLimited(work, options.concurrency, async (change) => {
    if (failed) {
      outcomes.set(change.connector, { connector: change.connector, action: change.action, result: 'not-started' });
      return;
    }
    touched.push(change);
    const o = await applyOne(cluster, change, desired.get(change.connector), input);
    outcomes.set(change.connector, o);
    if (o.result === 'failed') {
      failed = true;
      reporter.warn(`${change.connector}: ${change.action} failed: ${o.error ?? ''}`);
    }
    step.update(`${++done}/${work.length} ${change.connector}: ${o.result}`);
  });

  let status: ApplyStatus = failed ? 'failed' : 'applied';
  if (failed && options.rollback) {
    step.update('rolling back');
    let rollbackOk = true;
    await forEachLimited(touched, options.concurrency, async (change) => {
      const r = await rollbackOne(cluster, change, before.get(change.connector), options.wait);
      const o = outcomes.get(change.connector)!;
      o.rollback = r;
      o.result = r.result === 'done' ? (o.result === 'failed' ? 'failed' : 'rolled-back') : 'rollback-failed';
      if (r.result === 'failed') rollbackOk = false;
    });
    status = rollbackOk ? 'rolled-back' : 'rollback-failed';
  }
  if (failed) step.fail(`apply ${status}`);
  else step.done(`${work.length} change(s) applied`);

  const exitCode = status === 'applied' ? ExitCode.Ok : status === 'rolled-back' ? ExitCode.RolledBack : ExitCode.Error;
  return { env: plan.env, status, outcomes: work.map((c) => outcomes.get(c.connector)!), exitCode };
}

async function applyOne(
  cluster: ConnectCluster,
  change: ConnectorChange,
  d: DesiredConnector | undefined,
  input: ApplyInput,
): Promise<ConnectorOutcome> {
  const base = { connector: change.connector, action: change.action };
  let target: TargetState | 'ABSENT';
  try {
    if (change.action === 'delete') {
      await cluster.delete(change.connector);
      target = 'ABSENT';
    } else {
      if (!d)
        return {
          ...base,
          result: 'failed',
          error: 'no connector file declares it (internal: plan and files disagree)',
        };
      target = d.state;
      await mutate(
        cluster,
        change,
        d,
        input.actual.connectors.find((c) => c.name === d.name),
      );
    }
  } catch (e) {
    return { ...base, result: 'failed', error: describeCause(e) };
  }
  const w = await waitForState(cluster, change.connector, target, input.options.wait);
  if (w.ok) return { ...base, result: 'applied', waitedMs: w.waitedMs };
  return { ...base, result: 'failed', error: w.detail, trace: w.trace, waitedMs: w.waitedMs };
}

async function mutate(
  cluster: ConnectCluster,
  change: ConnectorChange,
  d: DesiredConnector,
  a: ActualConnector | undefined,
): Promise<void> {
  switch (change.action) {
    case 'create':
      if (cluster.traits.supportsInitialState || d.state === 'RUNNING') await cluster.create(d.name, d.config, d.state);
      else {
        await cluster.create(d.name, d.config);
        await setState(cluster, d.name, d.state);
      }
      return;
    case 'update': {
      await cluster.updateConfig(d.name, d.config);
      const stateChanged = change.fields.some((f) => f.key === STATE_FIELD);
      if (stateChanged || (a && targetStateOf(a) !== d.state)) await setState(cluster, d.name, d.state);
      return;
    }
    case 'pause':
    case 'resume':
    case 'stop':
      await setState(cluster, d.name, d.state);
      return;
    default:
      return;
  }
}
