import { afterEach, describe, expect, it } from 'vitest';
import { ConfluentCloudCluster, type ConfluentCloudOptions } from '../../../../src/connect/confluent-cloud/client.js';
import { executePlan } from '../../../../src/core/apply/execute.js';
import { waitForAll } from '../../../../src/core/apply/wait.js';
import type { ApplyOptions } from '../../../../src/core/apply/types.js';
import { computePlan } from '../../../../src/core/plan/compute.js';
import type { DesiredConnector } from '../../../../src/core/plan/types.js';
import { RecordingReporter } from '../../../../src/core/reporter.js';
import { startCheckedCloud } from '../../../fakes/confluent-cloud/checked.js';
import { MASK, type FakeCloudOptions, type FakeConfluentCloud } from '../../../fakes/confluent-cloud/server.js';
import { S3_SINK } from '../../connect/confluent-cloud/helpers.js';

/**
 * `apply` against the Confluent Cloud stand-in as slow and moody as Cloud (issue #21): one simulated clock drives the
 * stand-in's provisioning, flaps and late rejections and kcops's waits, so a 20-minute provisioning takes no time.
 */
let cloud: FakeConfluentCloud | undefined;
afterEach(async () => cloud?.stop());

const MIN = 60_000;

async function setup(fake: FakeCloudOptions = {}, client: Partial<ConfluentCloudOptions> = {}) {
  let now = Date.parse('2026-06-01T00:00:00Z');
  const clock = () => now;
  const sleep = async (ms: number) => {
    now += ms;
  };
  const started = await startCheckedCloud({ clock, ...fake });
  cloud = started.cloud;
  const cluster = new ConfluentCloudCluster({
    apiEndpoint: started.cloud.url,
    environmentId: started.cloud.environmentId,
    kafkaClusterId: started.cloud.clusterId,
    apiKey: started.cloud.apiKey,
    apiSecret: started.cloud.apiSecret,
    serverRetry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    sleep,
    ...client,
  });
  const reporter = new RecordingReporter();
  const apply = async (desired: DesiredConnector[], o: Partial<ApplyOptions> = {}) => {
    const actual = await cluster.collect();
    const plan = computePlan(desired, actual, cluster.traits, { env: 'prod', prune: false, ownedPrefixes: undefined });
    const options: ApplyOptions = {
      concurrency: 4,
      rollback: true,
      approvedDeletes: new Set(),
      wait: { timeoutMs: 2 * MIN, settleMs: 5_000, pollMs: 500, now: clock, sleep },
      ...o,
    };
    return executePlan({ plan, desired, actual, cluster, reporter, options });
  };
  return { cloud: started.cloud, violations: started.violations, cluster, apply, clock, sleep, reporter };
}

const d = (name: string, config: Record<string, string> = S3_SINK): DesiredConnector => ({
  name,
  config,
  state: 'RUNNING',
  file: `${name}.json`,
});

/** Seeds a RUNNING connector the way an earlier apply would have left it. */
async function seed(s: Awaited<ReturnType<typeof setup>>, name: string, config = S3_SINK) {
  await s.cluster.create(name, config);
  s.cloud.setState(name, 'RUNNING');
}

describe('apply on Confluent Cloud as it really behaves', () => {
  it('waits out a 20-minute provisioning on a simulated clock (item 1)', async () => {
    const s = await setup({ provisioningMs: 20 * MIN });
    const start = s.clock();
    const r = await s.apply([d('orders-s3')]);
    expect(r).toMatchObject({ status: 'applied', exitCode: 0 });
    expect(s.clock() - start).toBeGreaterThanOrEqual(20 * MIN);
    expect(s.clock() - start).toBeLessThan(21 * MIN);
    // One listing per round: about once a second for the first 15 s, then every 2 s (Cloud's docs: poll every 2 s).
    const lists = s.cloud.exchanges.filter((x) => x.method === 'GET' && x.url.includes('expand=')).length;
    expect(lists).toBeLessThan(15 + (20 * 60 - 15) / 2 + 10);
    expect(s.violations).toEqual([]);
  });

  it('a provisioning longer than the wait is "still pending": exit 5, never rolled back; a later apply picks it up', async () => {
    const s = await setup({ provisioningMs: 45 * MIN }, { provisioning: { timeoutMs: 30 * MIN } });
    {
      const r = await s.apply([d('orders-s3')]);
      expect(r).toMatchObject({ status: 'pending', exitCode: 5 });
      expect(r.outcomes).toEqual([
        expect.objectContaining({
          connector: 'orders-s3',
          action: 'create',
          result: 'pending',
          error: expect.stringContaining('still PROVISIONING after'),
        }),
      ]);
      expect(r.outcomes[0]!.rollback).toBeUndefined();
    }
    // Not deleted: Cloud goes on provisioning it.
    expect(s.cloud.exchanges.filter((x) => x.method === 'DELETE')).toEqual([]);
    expect(s.cloud.connectors.get('orders-s3')?.state).toBe('PROVISIONING');
    // The next apply has no change to send but waits for it, and reports it applied once RUNNING.
    const again = await s.apply([d('orders-s3')]);
    expect(again).toMatchObject({ status: 'applied', exitCode: 0 });
    expect(again.outcomes).toEqual([
      expect.objectContaining({ connector: 'orders-s3', action: 'none', result: 'applied' }),
    ]);
    expect(await s.apply([d('orders-s3')])).toMatchObject({ status: 'no-changes' });
    expect(s.violations).toEqual([]);
  });

  it('tolerates a FAILED flap right after provisioning; a FAILED that outlasts the window rolls back (item 2)', async () => {
    const s = await setup({ provisioningMs: 3 * MIN, flap: { ms: 40_000, state: 'FAILED' } });
    const r = await s.apply([d('flappy')]);
    expect(r).toMatchObject({ status: 'applied', exitCode: 0 });
    expect(s.cloud.connectors.get('flappy')?.state).toBe('RUNNING');

    const t = await setup({ provisioningMs: 3 * MIN, flap: { ms: 10 * MIN, state: 'FAILED', trace: 'bad creds' } });
    const failed = await t.apply([d('broken')]);
    expect(failed).toMatchObject({ status: 'rolled-back', exitCode: 4 });
    expect(failed.outcomes[0]).toMatchObject({ result: 'failed', error: 'connector FAILED', trace: 'bad creds' });
    expect(t.cloud.connectors.has('broken')).toBe(false);
    expect(t.violations).toEqual([]);
  });

  it('DEGRADED within the flap window is still waiting, not a failure (item 2)', async () => {
    const s = await setup({ provisioningMs: MIN, flap: { ms: 30_000, state: 'DEGRADED' } });
    expect(await s.apply([d('deg')])).toMatchObject({ status: 'applied' });
  });

  it('reports an update Cloud rejects after accepting it as not in effect (item 3)', async () => {
    const s = await setup({
      lateRejection: { rejects: (c) => c['s3.bucket.name'] === 'no-such-bucket', afterMs: 20_000 },
    });
    await seed(s, 'lake');
    const r = await s.apply([d('lake', { ...S3_SINK, 's3.bucket.name': 'no-such-bucket' })], { rollback: false });
    expect(r).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(r.outcomes[0]).toMatchObject({
      action: 'update',
      result: 'failed',
      error: expect.stringContaining('update not in effect'),
      trace: expect.stringContaining('Unable to validate configuration'),
    });
    expect(s.violations).toEqual([]);
  });

  it('rolls back a failed update with masked secrets from the previous Git revision (item 5, refuse mode)', async () => {
    const s = await setup({
      maskOnPut: 'reject',
      lateRejection: { rejects: (c) => c['s3.bucket.name'] === 'no-such-bucket', afterMs: 20_000 },
    });
    await seed(s, 'lake');
    // The previous revision in Git: the same config, secrets as references (resolved when sent).
    const previous = () => [{ ...S3_SINK, 'aws.secret.access.key': '${env:AWS_SECRET}' }];
    const r = await s.apply([d('lake', { ...S3_SINK, 's3.bucket.name': 'no-such-bucket' })], { previous });
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 4 });
    expect(r.outcomes[0]).toMatchObject({ result: 'failed', rollback: { action: 'restore', result: 'done' } });
    const stored = s.cloud.connectors.get('lake')!.config;
    expect(stored['s3.bucket.name']).toBe('lake');
    // The secret came from Git's reference (no resolver here: sent as written), never the mask.
    expect(stored['aws.secret.access.key']).toBe('${env:AWS_SECRET}');
    expect(Object.values(stored)).not.toContain(MASK);
    expect(s.violations).toEqual([]);
  });

  it('without a matching Git revision, rollback sends the mask only where Cloud keeps the stored secret (item 5)', async () => {
    const late = { rejects: (c: Record<string, string>) => c['s3.bucket.name'] === 'no-such-bucket', afterMs: 20_000 };
    const bad = [d('lake', { ...S3_SINK, 's3.bucket.name': 'no-such-bucket' })];

    const refused = await setup({ lateRejection: late });
    await seed(refused, 'lake');
    const r1 = await refused.apply(bad);
    expect(r1).toMatchObject({ status: 'rollback-failed' });
    expect(r1.outcomes[0]!.rollback).toMatchObject({ result: 'failed', error: expect.stringContaining('masked') });
    await refused.cloud.stop();

    const kept = await setup({ lateRejection: late, maskOnPut: 'keep' }, { keepsSecretOnMask: true });
    await seed(kept, 'lake');
    const r2 = await kept.apply(bad);
    expect(r2).toMatchObject({ status: 'rolled-back', exitCode: 4 });
    const stored = kept.cloud.connectors.get('lake')!.config;
    expect(stored['s3.bucket.name']).toBe('lake');
    expect(stored['aws.secret.access.key']).toBe('aws-secret-1');
    expect(kept.violations).toEqual([]);
  });

  it('an update racing a delete recreates the connector through PUT, and the apply waits for its provisioning (item 4)', async () => {
    const s = await setup({ provisioningMs: 5 * MIN });
    await seed(s, 'raced');
    const actual = await s.cluster.collect();
    const desired = [d('raced', { ...S3_SINK, topics: 'orders,returns' })];
    const plan = computePlan(desired, actual, s.cluster.traits, {
      env: 'prod',
      prune: false,
      ownedPrefixes: undefined,
    });
    s.cloud.connectors.delete('raced'); // someone deletes it after the plan
    const r = await executePlan({
      plan,
      desired,
      actual,
      cluster: s.cluster,
      reporter: s.reporter,
      options: {
        concurrency: 1,
        rollback: true,
        approvedDeletes: new Set(),
        wait: { timeoutMs: 2 * MIN, settleMs: 5_000, pollMs: 500, now: s.clock, sleep: s.sleep },
      },
    });
    expect(s.cloud.connectors.get('raced')?.config.topics).toBe('orders,returns');
    expect(r.status).not.toBe('failed');
    expect(s.reporter.events.some((e) => 'text' in e && /created it anew/.test(String(e.text)))).toBe(true);
  });

  it('applies a PAUSED connector: waits until the pause, asynchronous on Cloud, is in effect (item 9)', async () => {
    const s = await setup({ provisioningMs: 3 * MIN, transitionMs: 40_000 });
    const start = s.clock();
    const r = await s.apply([{ ...d('quiet-s3'), state: 'PAUSED' }]);
    expect(r).toMatchObject({ status: 'applied', exitCode: 0 });
    // Provisioning, then the pause asked right after create, 40 s later: the apply saw it PAUSED before saying so.
    expect(s.clock() - start).toBeGreaterThanOrEqual(3 * MIN + 40_000);
    expect(s.cloud.connectors.get('quiet-s3')?.state).toBe('PAUSED');
    expect(s.violations).toEqual([]);
  });

  it('shows NONE, tasks STOPPED while provisioning and DELETED as themselves; DELETED counts as gone (item 9)', async () => {
    const s = await setup({ noneReads: 1, provisioningMs: 2 * MIN, deletedReads: 3 });
    await s.cluster.create('shown', S3_SINK);
    expect(await s.cluster.status('shown')).toMatchObject({ state: 'NONE', tasks: [] });
    expect(await s.cluster.status('shown')).toMatchObject({
      state: 'PROVISIONING',
      tasks: [
        { id: 0, state: 'STOPPED' },
        { id: 1, state: 'STOPPED' },
      ],
    });
    await s.sleep(2 * MIN);
    expect(await s.cluster.status('shown')).toMatchObject({ state: 'RUNNING' });
    await s.cluster.delete('shown');
    expect(await s.cluster.status('shown')).toMatchObject({ state: 'DELETED', tasks: [] });
    // The apply's wait for a deletion is over when Cloud lists the connector DELETED: it no longer runs.
    const gone = await waitForAll(s.cluster, new Map([['shown', 'ABSENT' as const]]), {
      timeoutMs: MIN,
      settleMs: 0,
      pollMs: 500,
      now: s.clock,
      sleep: s.sleep,
    });
    expect(gone.get('shown')).toMatchObject({ ok: true });
    expect(s.cloud.connectors.get('shown')?.state).toBe('DELETED');
    expect(s.violations).toEqual([]);
  });
});
