import { setState, type ActualConnector, type ConnectCluster } from '../../connect/cluster.js';
import { describeCause, ExitCode } from '../../errors.js';
import { targetStateOf } from '../plan/normalise.js';
import type { ConnectorChange, DesiredConnector } from '../plan/types.js';
import { STATE_FIELD } from '../plan/types.js';
import { assertDeletesApproved } from './approvals.js';
import { isAlreadyExists, step, type Step } from './ownership.js';
import { forEachLimited } from './pool.js';
import { rollbackOne } from './rollback.js';
import type { ApplyInput, ApplyResult, ApplyStatus, ConnectorOutcome } from './types.js';
import { ProvisioningWatch, type WatchKind } from './provisioning.js';
import { waitForAll, type WaitTarget } from './wait.js';

/**
 * Carries out a plan at the speed of Connect: every change is sent at once (at most `concurrency` requests in
 * flight), then all changed connectors are waited for together, one cluster listing per poll round and one settle
 * window for all of them. The first failure stops changes not yet sent; then (unless disabled) everything this apply
 * verifiably did is undone, and nothing it did not do (see ownership.ts).
 */
export async function executePlan(input: ApplyInput): Promise<ApplyResult> {
  const { plan, cluster, reporter, options } = input;
  assertDeletesApproved(plan, options.approvedDeletes);
  const work = plan.changes.filter((c) => c.action !== 'none');
  const before = new Map(input.actual.connectors.map((c) => [c.name, c]));
  // A connector a previous apply left still provisioning (Cloud): nothing to send, but this apply waits for it again.
  const provisioning = cluster.traits.provisioning
    ? plan.changes.filter((c) => c.action === 'none' && isProvisioning(before.get(c.connector)))
    : [];
  if (work.length === 0 && provisioning.length === 0)
    return { env: plan.env, status: 'no-changes', outcomes: [], conflicts: [], exitCode: ExitCode.Ok };

  const desired = new Map(input.desired.map((d) => [d.name, d]));
  const outcomes = new Map<string, ConnectorOutcome>();
  const steps = new Map<string, Step[]>();
  const touched: ConnectorChange[] = [];
  let failed = false;

  const progress = reporter.step(`Applying ${work.length} change(s) to ${cluster.id}`);
  let sent = 0;
  await forEachLimited(work, options.concurrency, async (change) => {
    const base = { connector: change.connector, action: change.action };
    if (failed) {
      outcomes.set(change.connector, { ...base, result: 'not-started' });
      return;
    }
    touched.push(change);
    const done: Step[] = [];
    steps.set(change.connector, done);
    try {
      await submit(cluster, change, desired.get(change.connector), before.get(change.connector), done);
      outcomes.set(change.connector, { ...base, result: 'applied' });
    } catch (e) {
      failed = true;
      const conflict = isAlreadyExists(e);
      outcomes.set(change.connector, { ...base, result: conflict ? 'conflict' : 'failed', error: describeCause(e) });
      reporter.warn(`${change.connector}: ${change.action} ${conflict ? 'conflicts' : 'failed'}: ${describeCause(e)}`);
    }
    progress.update(`${++sent}/${work.length} sent`);
  });

  for (const c of provisioning)
    outcomes.set(c.connector, { connector: c.connector, action: 'none', result: 'applied' });
  // Wait for everything that was sent, together. When the apply will roll back anyway there is nothing to wait for.
  let pending = false;
  if (!(failed && options.rollback)) {
    const targets = new Map<string, WaitTarget>();
    const kinds = new Map<string, WatchKind>();
    for (const c of [...touched, ...provisioning]) {
      if (outcomes.get(c.connector)?.result !== 'applied') continue;
      targets.set(c.connector, c.action === 'delete' ? 'ABSENT' : (desired.get(c.connector)?.state ?? 'RUNNING'));
      if (c.action === 'create' || c.action === 'none') kinds.set(c.connector, 'create');
      else if (c.action === 'update') kinds.set(c.connector, 'update');
    }
    const policy = cluster.traits.provisioning;
    const now = options.wait.now ?? Date.now;
    const watch = policy ? new ProvisioningWatch(policy, kinds, now()) : undefined;
    const failedBefore = new Map<string, Set<string>>();
    for (const name of targets.keys()) {
      const s = before.get(name)?.status;
      const traces = [s?.state === 'FAILED' ? s.trace : undefined, ...(s?.tasks ?? []).map((x) => x.trace)];
      const stale = traces.filter((x): x is string => x !== undefined);
      if (stale.length) failedBefore.set(name, new Set(stale));
    }
    const results = await waitForAll(cluster, targets, {
      ...options.wait,
      failedBefore,
      stopOnFailure: options.rollback,
      onRound: (n, total) => progress.update(`${n}/${total} in their target state`),
      onRestart: (name, why) => reporter.warn(`${name}: the worker failed to start it (${why}); restarted it once`),
      ...(watch ? { watch } : {}),
    });
    // PUT /config creates a connector that is gone (Cloud's "create or update"): never silent, and waited for.
    for (const name of watch?.recreated ?? [])
      reporter.warn(
        `${name}: it no longer existed when the update was sent; Confluent Cloud created it anew from the update (PUT creates) and it went through provisioning`,
      );
    for (const [name, w] of results) {
      const o = outcomes.get(name)!;
      o.waitedMs = w.waitedMs;
      if (w.ok) continue;
      if (w.reason === 'pending') {
        // Still provisioning is no verdict: never a rollback trigger, the connector is left to Cloud.
        pending = true;
        Object.assign(o, { result: 'pending', error: w.detail });
        reporter.warn(`${name}: ${w.detail}`);
        continue;
      }
      failed = true;
      Object.assign(o, { result: 'failed', error: w.detail, ...(w.trace ? { trace: w.trace } : {}) });
      reporter.warn(`${name}: ${o.action} failed: ${w.detail}`);
    }
  }

  let status: ApplyStatus = failed ? 'failed' : pending ? 'pending' : 'applied';
  if (failed && options.rollback) {
    progress.update('rolling back');
    status = await rollBack(input, touched, steps, before, outcomes);
  }
  const conflicts = work.map((c) => c.connector).filter((n) => outcomes.get(n)?.result === 'conflict');
  if (failed) progress.fail(`apply ${status}`);
  else if (pending) progress.fail('still provisioning on Confluent Cloud');
  else progress.done(`${work.length} change(s) applied`);

  const exitCode =
    status === 'applied'
      ? ExitCode.Ok
      : status === 'pending'
        ? ExitCode.Pending
        : status === 'rolled-back'
          ? ExitCode.RolledBack
          : ExitCode.Error;
  const reported = [...work, ...provisioning].map((c) => outcomes.get(c.connector)!);
  return { env: plan.env, status, outcomes: reported, conflicts, exitCode };
}

function isProvisioning(a: ActualConnector | undefined): boolean {
  return a?.status.state === 'PROVISIONING' || a?.status.state === 'NONE';
}

/** Undoes every touched connector at once, then waits for all of them together (informational: `healthy`). */
async function rollBack(
  input: ApplyInput,
  touched: readonly ConnectorChange[],
  steps: ReadonlyMap<string, Step[]>,
  before: ReadonlyMap<string, ActualConnector>,
  outcomes: Map<string, ConnectorOutcome>,
): Promise<ApplyStatus> {
  const { cluster, options } = input;
  let complete = true;
  const targets = new Map<string, WaitTarget>();
  await forEachLimited(touched, options.concurrency, async (change) => {
    const name = change.connector;
    const r = await rollbackOne(cluster, name, steps.get(name) ?? [], before.get(name), options.previous);
    const o = outcomes.get(name)!;
    o.rollback = r.outcome;
    if (r.conflict) o.result = 'conflict';
    else if (r.outcome.result === 'failed') {
      o.result = 'rollback-failed';
      complete = false;
    } else if (o.result === 'applied') o.result = 'rolled-back';
    if (r.waitFor) targets.set(name, r.waitFor);
  });
  const results = await waitForAll(cluster, targets, { ...options.wait, settleMs: 0 });
  for (const [name, w] of results) outcomes.get(name)!.rollback!.healthy = w.ok;
  return complete ? 'rolled-back' : 'rollback-failed';
}

/** Sends one change, recording each call as a step of this apply (what a rollback may undo). */
async function submit(
  cluster: ConnectCluster,
  change: ConnectorChange,
  d: DesiredConnector | undefined,
  a: ActualConnector | undefined,
  steps: Step[],
): Promise<void> {
  const name = change.connector;
  if (change.action === 'delete') return step(steps, { kind: 'delete' }, () => cluster.delete(name));
  // The plan holds no configs; a change without its file means plan and files disagree: a bug, reported per connector.
  if (!d) throw new Error('no connector file declares it (internal: plan and files disagree)');
  const setTo = () => step(steps, { kind: 'state', state: d.state }, () => setState(cluster, name, d.state));
  switch (change.action) {
    case 'create':
      if (cluster.traits.supportsInitialState || d.state === 'RUNNING') {
        return step(steps, { kind: 'create', config: d.config, state: d.state }, () =>
          cluster.create(name, d.config, d.state),
        );
      }
      await step(steps, { kind: 'create', config: d.config }, () => cluster.create(name, d.config));
      return setTo();
    case 'update': {
      await step(steps, { kind: 'config', config: d.config }, () => cluster.updateConfig(name, d.config));
      const stateChanged = change.fields.some((f) => f.key === STATE_FIELD);
      if (stateChanged || (a && targetStateOf(a) !== d.state)) await setTo();
      return;
    }
    case 'pause':
    case 'resume':
    case 'stop':
      return setTo();
    default:
      return;
  }
}
