import { afterEach, describe, expect, it } from 'vitest';
import { renderApply } from '../../../../src/cli/render/plan.js';
import { makeStyle } from '../../../../src/cli/render/style.js';
import { SelfManagedCluster } from '../../../../src/connect/self-managed/client.js';
import { executePlan } from '../../../../src/core/apply/execute.js';
import type { ApplyOptions } from '../../../../src/core/apply/types.js';
import { computePlan } from '../../../../src/core/plan/compute.js';
import type { DesiredConnector } from '../../../../src/core/plan/types.js';
import { RecordingReporter } from '../../../../src/core/reporter.js';
import { FakeConnect } from '../../../fakes/fake-connect-cluster.js';

/**
 * Issue 19 §1: a rollback undoes only what this apply verifiably did. A connector someone else created between the
 * plan's snapshot and the POST (or that a second apply created at the same time) is never deleted; the apply reports
 * it as a conflict and never claims the cluster is as it was.
 */
const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
const cfg = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  topics: 'payments.t',
  file: '/tmp/out',
};
const theirs = { ...cfg, file: '/tmp/theirs' };
const plain = makeStyle(false);
let fake: FakeConnect;
afterEach(async () => fake?.close());

async function setup() {
  fake = new FakeConnect({ startDelayMs: 10 });
  const url = await fake.listen();
  return new SelfManagedCluster({ urls: [url], conflictRetry: fast, serverRetry: fast, timeoutMs: 300 });
}
const d = (name: string, config: Record<string, string> = cfg): DesiredConnector => ({
  name,
  config,
  state: 'RUNNING',
  file: `${name}.json`,
});
const options: ApplyOptions = {
  concurrency: 8,
  rollback: true,
  approvedDeletes: new Set(),
  wait: { timeoutMs: 2_000, settleMs: 50, pollMs: 10 },
};

async function planFor(cluster: SelfManagedCluster, desired: DesiredConnector[]) {
  const actual = await cluster.collect();
  const plan = computePlan(desired, actual, cluster.traits, { env: 'dev', prune: false, ownedPrefixes: ['payments-'] });
  return { plan, actual, desired };
}
const run = (cluster: SelfManagedCluster, p: Awaited<ReturnType<typeof planFor>>, o: Partial<ApplyOptions> = {}) =>
  executePlan({ ...p, cluster, reporter: new RecordingReporter(), options: { ...options, ...o } });

describe('rollback undoes only what this apply did', () => {
  it('never deletes a connector someone else created between the snapshot and the POST; reports a conflict', async () => {
    const cluster = await setup();
    const p = await planFor(cluster, [d('payments-a'), d('payments-b')]);
    // Someone creates payments-b (with their own config) right before this apply's first POST.
    fake.before({ method: 'POST', path: /^\/connectors$/ }, () => fake.seed('payments-b', theirs));
    const r = await run(cluster, p);

    expect(fake.connectors.get('payments-b')?.config).toEqual({ ...theirs, name: 'payments-b' });
    expect(fake.requests.filter((q) => q.method === 'DELETE' && q.path.includes('payments-b'))).toEqual([]);
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 4, conflicts: ['payments-b'] });
    expect(r.outcomes.find((o) => o.connector === 'payments-b')).toMatchObject({
      result: 'conflict',
      error: expect.stringContaining('already exists'),
      rollback: { action: 'none', result: 'skipped', error: expect.stringContaining('someone else') },
    });
    // What this apply did create is undone.
    expect(fake.connectors.has('payments-a')).toBe(false);
    expect(r.outcomes.find((o) => o.connector === 'payments-a')).toMatchObject({
      result: 'rolled-back',
      rollback: { action: 'delete', result: 'done' },
    });
    const text = renderApply(r, plain);
    expect(text).not.toContain('as it was before.');
    expect(text).toContain('NOT as it was before');
    expect(text).toMatch(/changed by someone else meanwhile and left as they are \(payments-b\)/);
  });

  it('two applies of the same plan at the same time: the one that loses the create deletes nothing', async () => {
    const cluster = await setup();
    const p = await planFor(cluster, [d('payments-x')]);
    const [a, b] = await Promise.all([run(cluster, p), run(cluster, p)]);
    const results = [a, b].map((r) => r.outcomes[0]!.result).sort();
    expect(results).toEqual(['applied', 'conflict']);
    expect(fake.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    expect(fake.connectors.has('payments-x')).toBe(true);
    const winner = a.status === 'applied' ? a : b;
    expect(winner).toMatchObject({ status: 'applied', exitCode: 0, conflicts: [] });
  });

  it('with --no-rollback a conflict is still reported as one, and nothing is deleted', async () => {
    const cluster = await setup();
    const p = await planFor(cluster, [d('payments-c')]);
    fake.before({ method: 'POST', path: /^\/connectors$/ }, () => fake.seed('payments-c', theirs));
    const r = await run(cluster, p, { rollback: false });
    expect(r).toMatchObject({ status: 'failed', exitCode: 1, conflicts: ['payments-c'] });
    expect(r.outcomes[0]).toMatchObject({ result: 'conflict' });
    expect(renderApply(r, plain)).toContain('left as they are (payments-c)');
    expect(fake.connectors.get('payments-c')?.config.file).toBe('/tmp/theirs');
  });

  it('a create whose answer was lost once is recovered by the client: its own connector, applied, nothing deleted', async () => {
    const cluster = await setup();
    const p = await planFor(cluster, [d('payments-once')]);
    // The POST is carried out, then the connection is cut. The client repeats it; the "already exists" that follows
    // names a connector whose stored config is exactly ours, so the create is ours and the step succeeded.
    fake.inject({ method: 'POST', path: /^\/connectors$/, times: 1, respond: 'crash-after' });
    const r = await run(cluster, p);
    expect(r).toMatchObject({ status: 'applied', exitCode: 0, conflicts: [] });
    expect(r.outcomes[0]).toMatchObject({ result: 'applied' });
    expect(fake.requests.filter((q) => q.method === 'POST' && q.path === '/connectors')).toHaveLength(2);
    expect(fake.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    expect(fake.connectors.get('payments-once')?.config).toEqual({ ...cfg, name: 'payments-once' });
  });

  it('a create whose answer was lost (worker died mid-request) is ours when the stored config is exactly ours', async () => {
    const cluster = await setup();
    const p = await planFor(cluster, [d('payments-lost')]);
    // Every attempt is carried out and its connection cut before any answer (the first creates the connector, the
    // repeats hit "already exists"): the client's recovery never gets an answer, so the create failed ambiguously
    // and only the rollback's reading of the stored config can tell it is ours.
    fake.inject({ method: 'POST', path: /^\/connectors$/, times: fast.attempts, respond: 'crash-after' });
    const r = await run(cluster, p);
    expect(r).toMatchObject({ status: 'rolled-back', conflicts: [] });
    expect(r.outcomes[0]).toMatchObject({ result: 'failed', rollback: { action: 'delete', result: 'done' } });
    expect(fake.requests.filter((q) => q.method === 'POST' && q.path === '/connectors')).toHaveLength(fast.attempts);
    expect(fake.connectors.has('payments-lost')).toBe(false);
  });

  it('a create that timed out while someone else created the connector leaves theirs alone', async () => {
    const cluster = await setup();
    const p = await planFor(cluster, [d('payments-t')]);
    fake.before({ method: 'POST', path: /^\/connectors$/ }, () => fake.seed('payments-t', theirs));
    fake.inject({ method: 'POST', path: /^\/connectors$/, times: 1, respond: 'timeout' });
    const r = await run(cluster, p);
    expect(r.outcomes[0]).toMatchObject({ result: 'conflict', rollback: { result: 'skipped' } });
    expect(r.conflicts).toEqual(['payments-t']);
    expect(fake.connectors.get('payments-t')?.config.file).toBe('/tmp/theirs');
  });

  it('a create that timed out without creating anything has nothing to undo', async () => {
    const cluster = await setup();
    const p = await planFor(cluster, [d('payments-n')]);
    // Every attempt times out unanswered and none is carried out (one timeout alone is repeated by the client and
    // the repeat creates the connector, which is then simply applied).
    fake.inject({ method: 'POST', path: /^\/connectors$/, times: fast.attempts, respond: 'timeout' });
    const r = await run(cluster, p);
    expect(r).toMatchObject({ status: 'rolled-back', conflicts: [] });
    expect(r.outcomes[0]).toMatchObject({ result: 'failed', rollback: { action: 'none', result: 'done' } });
    expect(fake.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    expect(fake.connectors.has('payments-n')).toBe(false);
  });

  it('an update whose answer was lost once is repeated by the client (a PUT is safe to repeat) and applied', async () => {
    const cluster = await setup();
    fake.seed('payments-u0', { ...cfg, topics: 'payments.old' });
    const p = await planFor(cluster, [d('payments-u0')]);
    fake.inject({ method: 'PUT', path: /payments-u0\/config/, times: 1, respond: 'crash-after' });
    const r = await run(cluster, p);
    expect(r).toMatchObject({ status: 'applied', exitCode: 0, conflicts: [] });
    expect(r.outcomes[0]).toMatchObject({ result: 'applied' });
    expect(fake.requests.filter((q) => q.method === 'PUT' && q.path.endsWith('/config'))).toHaveLength(2);
    expect(fake.connectors.get('payments-u0')?.config.topics).toBe('payments.t');
  });

  it('an update whose answer was lost is restored; one overtaken by someone else is left to them', async () => {
    const cluster = await setup();
    fake.seed('payments-u1', { ...cfg, topics: 'payments.old' }, 'PAUSED');
    fake.seed('payments-u2', { ...cfg, topics: 'payments.old' });
    const p = await planFor(cluster, [d('payments-u1'), d('payments-u2')]);
    // u1: the PUT lands and its answer is lost, on every attempt the client makes (one lost answer alone is repeated, a
    // PUT being safe to repeat, and the update succeeds). u2: someone rewrites it, then our PUT is never answered
    // (nor its repeats).
    fake.inject({ method: 'PUT', path: /payments-u1\/config/, times: fast.attempts, respond: 'crash-after' });
    fake.before({ method: 'PUT', path: /payments-u2\/config/ }, () =>
      fake.seed('payments-u2', { ...cfg, topics: 'payments.someone-else' }),
    );
    fake.inject({ method: 'PUT', path: /payments-u2\/config/, times: 10, respond: 'timeout' });
    const r = await run(cluster, p);
    expect(r.outcomes.find((o) => o.connector === 'payments-u1')).toMatchObject({
      result: 'failed',
      rollback: { action: 'restore', result: 'done' },
    });
    expect(fake.connectors.get('payments-u1')).toMatchObject({ target: 'PAUSED', config: { topics: 'payments.old' } });
    expect(r.outcomes.find((o) => o.connector === 'payments-u2')).toMatchObject({
      result: 'conflict',
      rollback: { result: 'skipped' },
    });
    expect(fake.connectors.get('payments-u2')?.config.topics).toBe('payments.someone-else');
    expect(r.conflicts).toEqual(['payments-u2']);
  });

  it('a delete someone undid by creating the connector again is not overwritten by the rollback', async () => {
    const cluster = await setup();
    fake.seed('payments-old', cfg);
    fake.failTasks({ match: (n) => n === 'payments-bad', afterMs: 0, trace: 'boom' });
    const actual = await cluster.collect();
    const desired = [d('payments-bad')];
    const plan = computePlan(desired, actual, cluster.traits, {
      env: 'dev',
      prune: true,
      ownedPrefixes: ['payments-'],
    });
    // Right after this apply's DELETE, someone puts their own payments-old in place.
    fake.before({ method: 'GET', path: /expand=status/ }, () => fake.seed('payments-old', theirs));
    const r = await executePlan({
      plan,
      desired,
      actual,
      cluster,
      reporter: new RecordingReporter(),
      options: { ...options, approvedDeletes: new Set(['payments-old']) },
    });
    expect(r.outcomes.find((o) => o.connector === 'payments-old')).toMatchObject({ result: 'conflict' });
    expect(fake.connectors.get('payments-old')?.config.file).toBe('/tmp/theirs');
    expect(fake.connectors.has('payments-bad')).toBe(false);
  });
});
