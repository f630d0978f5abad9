import { afterEach, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../../../src/connect/self-managed/client.js';
import { executePlan } from '../../../../src/core/apply/execute.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_POLL_MS,
  DEFAULT_SETTLE,
  DEFAULT_WAIT_TIMEOUT,
  type ApplyOptions,
} from '../../../../src/core/apply/types.js';
import { parseDuration } from '../../../../src/core/duration.js';
import { computePlan } from '../../../../src/core/plan/compute.js';
import type { DesiredConnector } from '../../../../src/core/plan/types.js';
import { RecordingReporter } from '../../../../src/core/reporter.js';
import { FakeConnect } from '../../../fakes/fake-connect-cluster.js';

/**
 * Issue 20 §1: apply at the speed of Connect. Every change is sent at once, then all are waited for together with
 * one cluster listing per poll round and one settle window; the request count does not grow with a per-connector
 * status poll. Runs with the CLI's defaults (concurrency, 500 ms polls, 2 s settle) against a fake whose connectors
 * take 1.5 s to start, about what the dev stack's workers take.
 */
const cfg = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  topics: 'payments.t',
  file: '/tmp/out',
};
const CLI_WAIT = {
  timeoutMs: parseDuration(DEFAULT_WAIT_TIMEOUT)!,
  settleMs: parseDuration(DEFAULT_SETTLE)!,
  pollMs: DEFAULT_POLL_MS,
};
let fake: FakeConnect;
afterEach(async () => fake?.close());

async function setup(startDelayMs: number) {
  fake = new FakeConnect({ startDelayMs });
  return new SelfManagedCluster({ urls: [await fake.listen()] });
}
const d = (name: string, state: DesiredConnector['state'] = 'RUNNING'): DesiredConnector => ({
  name,
  config: cfg,
  state,
  file: `${name}.json`,
});
const options = (o: Partial<ApplyOptions> = {}): ApplyOptions => ({
  concurrency: DEFAULT_CONCURRENCY,
  rollback: true,
  approvedDeletes: new Set(),
  wait: CLI_WAIT,
  ...o,
});

async function apply(cluster: SelfManagedCluster, desired: DesiredConnector[], o: Partial<ApplyOptions> = {}) {
  const actual = await cluster.collect();
  const plan = computePlan(desired, actual, cluster.traits, { env: 'dev', prune: true, ownedPrefixes: ['payments-'] });
  return executePlan({ plan, desired, actual, cluster, reporter: new RecordingReporter(), options: options(o) });
}
const listings = () => fake.requests.filter((q) => q.method === 'GET' && q.path.startsWith('/connectors?'));

describe('apply at the speed of Connect', () => {
  it('50 new connectors: all sent at once, <= 60 requests in all, one settle window, no per-connector polls', async () => {
    const cluster = await setup(1_500);
    const names = Array.from({ length: 50 }, (_, i) => `payments-n${String(i).padStart(2, '0')}`);
    const started = Date.now();
    const r = await apply(
      cluster,
      names.map((n) => d(n)),
    );
    const elapsed = Date.now() - started;

    expect(r).toMatchObject({ status: 'applied', exitCode: 0 });
    expect(r.outcomes.every((o) => o.result === 'applied')).toBe(true);
    expect(fake.requests.filter((q) => q.method === 'POST')).toHaveLength(50);
    expect(fake.requests.filter((q) => q.path.includes('/status'))).toEqual([]);
    // The plan's listing, 50 POSTs, and the shared wait's rounds.
    expect(fake.requests.length).toBeLessThanOrEqual(60);
    // Every create was sent before the first poll of the wait (the first request is the plan's listing).
    const firstPoll = fake.requests.findIndex((q, i) => i > 0 && q.path.startsWith('/connectors?'));
    expect(fake.requests.slice(1, firstPoll).every((q) => q.method === 'POST')).toBe(true);
    expect(firstPoll).toBe(51);
    // Start (1.5 s), at most one poll interval (1 s) to see them healthy, one settle window, not one per wave.
    expect(elapsed).toBeLessThan(1_500 + 1_000 + CLI_WAIT.settleMs + 1_500);
  }, 20_000);

  it('prunes 200 connectors with 200 DELETEs, all in flight together, and a listing or two', async () => {
    const cluster = await setup(10);
    const names = Array.from({ length: 200 }, (_, i) => `payments-old${i}`);
    for (const n of names) fake.seed(n, cfg);
    const r = await apply(cluster, [], { approvedDeletes: new Set(names) });
    expect(r).toMatchObject({ status: 'applied', exitCode: 0 });
    expect(fake.connectors.size).toBe(0);
    expect(fake.requests.filter((q) => q.method === 'DELETE')).toHaveLength(200);
    expect(fake.requests.filter((q) => q.path.includes('/status'))).toEqual([]);
    expect(listings().length).toBeLessThanOrEqual(3);
  });

  it('state changes go out together too and share one wait', async () => {
    const cluster = await setup(10);
    const names = Array.from({ length: 30 }, (_, i) => `payments-s${i}`);
    for (const n of names) fake.seed(n, cfg);
    const r = await apply(
      cluster,
      names.map((n, i) => d(n, i % 3 === 0 ? 'PAUSED' : i % 3 === 1 ? 'STOPPED' : 'RUNNING')),
      { wait: { ...CLI_WAIT, settleMs: 200, pollMs: 50 } },
    );
    expect(r.status).toBe('applied');
    expect(r.outcomes.filter((o) => o.action === 'pause' || o.action === 'stop')).toHaveLength(20);
    const puts = fake.requests.map((q, i) => (q.method === 'PUT' ? i : -1)).filter((i) => i >= 0);
    expect(puts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(fake.requests.filter((q) => q.path.includes('/status'))).toEqual([]);
  });

  it('a task failing late is still caught by the shared settle window, and everything sent is rolled back', async () => {
    const cluster = await setup(50);
    fake.failTasks({ match: (n) => n === 'payments-late', afterMs: 600, trace: 'late failure' });
    const desired = ['payments-a', 'payments-late', 'payments-b'].map((n) => d(n));
    const r = await apply(cluster, desired, { wait: { timeoutMs: 10_000, settleMs: 1_000, pollMs: 100 } });
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 4 });
    expect(r.outcomes.find((o) => o.connector === 'payments-late')).toMatchObject({
      result: 'failed',
      trace: 'late failure',
    });
    expect(fake.connectors.size).toBe(0);
  });

  it('a wait that runs out says so, naming its bound and what it last saw', async () => {
    const cluster = await setup(60_000);
    const r = await apply(cluster, [d('payments-slow')], { wait: { timeoutMs: 400, settleMs: 0, pollMs: 50 } });
    expect(r.outcomes[0]).toMatchObject({
      result: 'failed',
      error: expect.stringMatching(
        /^not RUNNING after 0\.\d s \(gave up waiting; last seen: connector UNASSIGNED, tasks \[\]\)$/,
      ),
      rollback: { action: 'delete', result: 'done' },
    });
  });

  describe('a connector the worker failed to start (Connect runtime race under many concurrent creates)', () => {
    // What Connect 4.3.1 reported on the dev stack for one of 50 connectors created at once.
    const RACE =
      'java.lang.NullPointerException: Cannot invoke "java.util.Map.get(Object)" because "connProps" is null\n' +
      '\tat org.apache.kafka.connect.runtime.Worker.startConnector(Worker.java:318)\n' +
      '\tat org.apache.kafka.connect.runtime.distributed.DistributedHerder.startConnector(DistributedHerder.java:2106)';
    const OWN =
      'org.apache.kafka.connect.errors.ConnectException: could not open /bad\n' +
      '\tat org.apache.kafka.connect.file.FileStreamSourceConnector.start(FileStreamSourceConnector.java:70)\n' +
      '\tat org.apache.kafka.connect.runtime.WorkerConnector.doStart(WorkerConnector.java:145)';
    const quick = { wait: { timeoutMs: 5_000, settleMs: 100, pollMs: 20 } };

    it('is restarted once and then counts as healthy', async () => {
      const cluster = await setup(10);
      const reporter = new RecordingReporter();
      const actual = await cluster.collect();
      // Fails at the wait's first listing (after the create), not at the plan's.
      fake.before({ method: 'GET', path: /expand=status/ }, () => fake.failStart('payments-r1', RACE));
      const desired = [d('payments-r1'), d('payments-r2')];
      const plan = computePlan(desired, actual, cluster.traits, {
        env: 'dev',
        prune: false,
        ownedPrefixes: ['payments-'],
      });
      const r = await executePlan({ plan, desired, actual, cluster, reporter, options: options(quick) });
      expect(r).toMatchObject({ status: 'applied', exitCode: 0 });
      expect(fake.requests.filter((q) => q.method === 'POST' && q.path.includes('/restart'))).toHaveLength(1);
      expect(reporter.events).toContainEqual({
        kind: 'warn',
        text: expect.stringMatching(
          /^payments-r1: the worker failed to start it \(java.lang.NullPointerException.*\); restarted it once$/,
        ),
      });
    });

    it('failing again after the restart is a verdict', async () => {
      const cluster = await setup(10);
      const actual = await cluster.collect();
      fake.before({ method: 'GET', path: /expand=status/ }, () => fake.failStart('payments-r3', RACE, 2));
      const desired = [d('payments-r3')];
      const plan = computePlan(desired, actual, cluster.traits, {
        env: 'dev',
        prune: false,
        ownedPrefixes: ['payments-'],
      });
      const r = await executePlan({
        plan,
        desired,
        actual,
        cluster,
        reporter: new RecordingReporter(),
        options: options(quick),
      });
      expect(r).toMatchObject({ status: 'rolled-back' });
      expect(r.outcomes[0]).toMatchObject({ result: 'failed', error: 'connector FAILED', trace: RACE });
      expect(fake.requests.filter((q) => q.path.includes('/restart'))).toHaveLength(1);
    });

    it('a failure in the connector itself is never retried', async () => {
      const cluster = await setup(10);
      const actual = await cluster.collect();
      fake.before({ method: 'GET', path: /expand=status/ }, () => fake.failStart('payments-r4', OWN));
      const desired = [d('payments-r4')];
      const plan = computePlan(desired, actual, cluster.traits, {
        env: 'dev',
        prune: false,
        ownedPrefixes: ['payments-'],
      });
      const r = await executePlan({
        plan,
        desired,
        actual,
        cluster,
        reporter: new RecordingReporter(),
        options: options(quick),
      });
      expect(r.outcomes[0]).toMatchObject({ result: 'failed', trace: OWN });
      expect(fake.requests.filter((q) => q.path.includes('/restart'))).toEqual([]);
    });
  });
});
