import { afterEach, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../../../src/connect/self-managed/client.js';
import { executePlan } from '../../../../src/core/apply/execute.js';
import type { ApplyOptions } from '../../../../src/core/apply/types.js';
import { computePlan } from '../../../../src/core/plan/compute.js';
import type { DesiredConnector } from '../../../../src/core/plan/types.js';
import { RecordingReporter } from '../../../../src/core/reporter.js';
import { FakeConnect } from '../../../fakes/fake-connect-cluster.js';

const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
const cfg = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  topics: 'payments.t',
  file: '/tmp/out',
};
let fake: FakeConnect;
afterEach(async () => fake?.close());

async function setup(startDelayMs = 10) {
  fake = new FakeConnect({ startDelayMs });
  const url = await fake.listen();
  return new SelfManagedCluster({ urls: [url], conflictRetry: fast, serverRetry: fast, timeoutMs: 300 });
}
const d = (
  name: string,
  config: Record<string, string> = cfg,
  state: DesiredConnector['state'] = 'RUNNING',
): DesiredConnector => ({ name, config, state, file: `${name}.json` });
const options = (o: Partial<ApplyOptions> = {}): ApplyOptions => ({
  concurrency: 4,
  rollback: true,
  approvedDeletes: new Set(),
  wait: { timeoutMs: 1_000, settleMs: 60, pollMs: 10 },
  ...o,
});

async function apply(
  cluster: SelfManagedCluster,
  desired: DesiredConnector[],
  o: Partial<ApplyOptions> = {},
  prune = false,
) {
  const actual = await cluster.collect();
  const plan = computePlan(desired, actual, cluster.traits, { env: 'dev', prune, ownedPrefixes: ['payments-'] });
  return executePlan({ plan, desired, actual, cluster, reporter: new RecordingReporter(), options: options(o) });
}

describe('executePlan against the fake', () => {
  it('creates, updates and changes state, waiting until healthy; a second apply has nothing to do', async () => {
    const cluster = await setup();
    fake.seed('payments-upd', { ...cfg, topics: 'payments.old' });
    fake.seed('payments-pause', cfg);
    const desired = [
      d('payments-new'),
      d('payments-stopped', cfg, 'STOPPED'),
      d('payments-upd'),
      d('payments-pause', cfg, 'PAUSED'),
    ];
    const r = await apply(cluster, desired);
    expect(r).toMatchObject({ status: 'applied', exitCode: 0 });
    expect(r.outcomes.map((o) => [o.connector, o.action, o.result])).toEqual([
      ['payments-new', 'create', 'applied'],
      ['payments-pause', 'pause', 'applied'],
      ['payments-stopped', 'create', 'applied'],
      ['payments-upd', 'update', 'applied'],
    ]);
    // STOPPED was created stopped (initial_state), never started and then stopped.
    expect(fake.requests.filter((q) => q.path.includes('payments-stopped/stop'))).toEqual([]);
    expect(fake.connectors.get('payments-upd')?.config.topics).toBe('payments.t');
    expect(await apply(cluster, desired)).toMatchObject({ status: 'no-changes', exitCode: 0 });
  });

  it('rides through 409s and 500s within the retry budget', async () => {
    const cluster = await setup();
    fake.inject({
      method: 'POST',
      times: 3,
      respond: {
        status: 409,
        body: { message: 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)' },
      },
    });
    fake.inject({
      method: 'GET',
      path: /expand=status/,
      times: 2,
      respond: { status: 500, body: { message: 'Request timed out' } },
    });
    const r = await apply(cluster, [d('payments-a'), d('payments-b')]);
    expect(r.status).toBe('applied');
  });

  it('rolls back everything sent on a task that fails after a while: restores updated, deletes created; exit 4', async () => {
    const cluster = await setup();
    fake.seed('payments-upd', { ...cfg, topics: 'payments.old' }, 'PAUSED');
    fake.failTasks({ match: (_n, c) => c.file === '/bad', afterMs: 30, trace: 'java.io.FileNotFoundException: /bad' });
    const r = await apply(
      cluster,
      [d('payments-a-ok'), d('payments-bad', { ...cfg, file: '/bad' }), d('payments-upd')],
      { concurrency: 1 },
    );
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 4 });
    const bad = r.outcomes.find((o) => o.connector === 'payments-bad')!;
    expect(bad).toMatchObject({
      result: 'failed',
      error: 'task 0 FAILED',
      trace: expect.stringContaining('FileNotFound'),
      rollback: { action: 'delete', result: 'done' },
    });
    expect(r.outcomes.find((o) => o.connector === 'payments-a-ok')).toMatchObject({
      result: 'rolled-back',
      rollback: { action: 'delete' },
    });
    // Every change was sent before the failure showed (they are waited for together), so all three are undone.
    expect(r.outcomes.find((o) => o.connector === 'payments-upd')).toMatchObject({
      result: 'rolled-back',
      rollback: { action: 'restore', result: 'done' },
    });
    expect([...fake.connectors.keys()]).toEqual(['payments-upd']);
    expect(fake.connectors.get('payments-upd')).toMatchObject({ target: 'PAUSED', config: { topics: 'payments.old' } });
  });

  it('restores previous config and state of an updated connector after a timeout', async () => {
    const cluster = await setup();
    fake.seed('payments-upd', { ...cfg, topics: 'payments.old' }, 'PAUSED');
    // Once the change is sent, every listing of the cluster times out: the wait gives up at its bound and says so,
    // and the apply rolls back.
    fake.before({ method: 'PUT', path: /config/ }, () =>
      fake.inject({ method: 'GET', path: /expand=status/, times: 1_000, respond: 'timeout' }),
    );
    const r = await apply(cluster, [d('payments-upd')], { wait: { timeoutMs: 400, settleMs: 0, pollMs: 20 } });
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 4 });
    expect(r.outcomes[0]).toMatchObject({
      result: 'failed',
      error: expect.stringMatching(/not RUNNING after [\d.]+ s \(gave up waiting; last seen: status unavailable: /),
      rollback: { action: 'restore', result: 'done' },
    });
    expect(fake.connectors.get('payments-upd')).toMatchObject({ target: 'PAUSED', config: { topics: 'payments.old' } });
  });

  it('with --no-rollback leaves the cluster as it is and exits 1', async () => {
    const cluster = await setup();
    fake.failTasks({ match: (n) => n === 'payments-bad', afterMs: 0, trace: 'boom' });
    const r = await apply(cluster, [d('payments-bad')], { rollback: false });
    expect(r).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(fake.connectors.has('payments-bad')).toBe(true);
  });

  it('a create rejected by the worker is rolled back cleanly (nothing to delete)', async () => {
    const cluster = await setup();
    fake.inject({
      method: 'POST',
      times: 1,
      respond: { status: 400, body: { message: 'Connector configuration is invalid' } },
    });
    const r = await apply(cluster, [d('payments-x')]);
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 4 });
    expect(r.outcomes[0]).toMatchObject({ result: 'failed', error: expect.stringContaining('invalid') });
  });

  it('deletes only with approval, and a deleted connector is recreated on rollback', async () => {
    const cluster = await setup();
    fake.seed('payments-old', cfg, 'PAUSED');
    await expect(apply(cluster, [], {}, true)).rejects.toMatchObject({ code: 'DELETE_NOT_APPROVED', exitCode: 2 });
    expect(fake.connectors.has('payments-old')).toBe(true);
    fake.failTasks({ match: (n) => n === 'payments-bad', afterMs: 0, trace: 'boom' });
    const r = await apply(
      cluster,
      [d('payments-bad')],
      { approvedDeletes: new Set(['payments-old']), concurrency: 1 },
      true,
    );
    expect(r.status).toBe('rolled-back');
    expect(fake.connectors.get('payments-old')).toMatchObject({ target: 'PAUSED', config: cfg });
    expect(fake.connectors.has('payments-bad')).toBe(false);
  });

  it('catches a task that fails 3 s after starting: the settle window outlasts it', async () => {
    const cluster = await setup();
    fake.failTasks({ match: (n) => n === 'payments-late', afterMs: 3_000, trace: 'late failure' });
    const r = await apply(cluster, [d('payments-late')], { wait: { timeoutMs: 10_000, settleMs: 3_500, pollMs: 100 } });
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 4 });
    expect(r.outcomes[0]).toMatchObject({
      result: 'failed',
      trace: 'late failure',
      rollback: { action: 'delete', result: 'done' },
    });
  }, 15_000);

  it('keeps concurrency bounded', async () => {
    const cluster = await setup(50);
    const desired = Array.from({ length: 12 }, (_, i) => d(`payments-c${i}`));
    const started = Date.now();
    const r = await apply(cluster, desired, { concurrency: 12 });
    expect(r.status).toBe('applied');
    // 12 in parallel take about one start delay + settle, not twelve.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
