import { afterEach, describe, expect, it } from 'vitest';
import { ConfluentCloudCluster } from '../../../../src/connect/confluent-cloud/client.js';
import { computePlan, hasChanges } from '../../../../src/core/plan/compute.js';
import type { UserError } from '../../../../src/errors.js';
import type { FakeConfluentCloud } from '../../../fakes/confluent-cloud/server.js';
import { cloudSetup, S3_SINK } from './helpers.js';

let cloud: FakeConfluentCloud | undefined;
afterEach(async () => cloud?.stop());

const planOf = async (s: Awaited<ReturnType<typeof cloudSetup>>, config: Record<string, string>) =>
  computePlan(
    [{ name: 'orders-s3', config, state: 'RUNNING', file: 'connectors/prod/orders-s3.json' }],
    await s.cluster.collect(),
    s.cluster.traits,
    {
      env: 'prod',
      prune: false,
      salt: 'test',
    },
  );

describe('ConfluentCloudCluster: 429 storms', () => {
  it('waits the Retry-After the server asks for, then succeeds', async () => {
    const s = await cloudSetup({ provisioningReads: 0 });
    cloud = s.cloud;
    s.cloud.rateLimitStorm(4, 2);
    await s.cluster.create('orders-s3', S3_SINK);
    expect(s.cluster.rateLimitWaits).toEqual([2_000, 2_000, 2_000, 2_000]);
    expect((await s.cluster.collect()).connectors).toHaveLength(1);
    expect(s.violations).toEqual([]);
  });

  it('gives up after its budget with a UserError, and at once when asked to wait longer than the ceiling', async () => {
    const s = await cloudSetup({}, { rateLimit: { attempts: 3, maxRetryAfterSeconds: 30 } });
    cloud = s.cloud;
    s.cloud.rateLimitStorm(50, 1);
    await expect(s.cluster.collect()).rejects.toMatchObject({ code: 'CCLOUD_RATE_LIMITED' });
    expect(s.cluster.rateLimitWaits).toEqual([1_000, 1_000]);
    s.cloud.rateLimitStorm(1, 3600);
    await expect(s.cluster.plugins()).rejects.toMatchObject({ code: 'CCLOUD_RATE_LIMITED' });
    expect(s.cluster.rateLimitWaits).toHaveLength(2);
    expect(s.violations).toEqual([]);
  });
});

describe('ConfluentCloudCluster: masked secrets and server-injected keys', () => {
  it('round-trips: what Git holds (secrets resolved) against what Cloud returns (masked, keys added) is no change', async () => {
    const s = await cloudSetup({ provisioningReads: 0 });
    cloud = s.cloud;
    await s.cluster.create('orders-s3', S3_SINK);
    const actual = (await s.cluster.collect()).connectors[0]!;
    expect(actual.config).toMatchObject({
      'kafka.api.secret': '****************',
      'aws.secret.access.key': '****************',
      'kafka.region': 'us-west-2',
    });
    expect(actual.config['connector.crn']).toContain('connector=orders-s3');
    expect(hasChanges(await planOf(s, S3_SINK))).toBe(false);

    // A real change still shows, and a rotated secret cannot be seen through the mask (reported as unknown, not drift).
    const plan = await planOf(s, { ...S3_SINK, topics: 'orders,returns', 'aws.secret.access.key': 'rotated' });
    expect(plan.changes[0]?.fields.map((f) => f.key)).toEqual(['topics']);
    // Applying it sends the real values from Git, never the mask.
    await s.cluster.updateConfig('orders-s3', {
      ...S3_SINK,
      topics: 'orders,returns',
      'aws.secret.access.key': 'rotated',
    });
    expect(s.cloud.connectors.get('orders-s3')?.config['aws.secret.access.key']).toBe('rotated');
    expect(s.violations).toEqual([]);
  });

  it('refuses to send a masked value back (a rollback from a snapshot would overwrite the secret with asterisks)', async () => {
    const s = await cloudSetup({ provisioningReads: 0 });
    cloud = s.cloud;
    await s.cluster.create('orders-s3', S3_SINK);
    const snap = (await s.cluster.collect()).connectors[0]!;
    const e = (await s.cluster.updateConfig('orders-s3', snap.config).catch((x: unknown) => x)) as UserError;
    expect(e.code).toBe('CCLOUD_MASKED_VALUE');
    expect(e.message).toContain('kafka.api.secret');
    expect(s.cloud.connectors.get('orders-s3')?.config['kafka.api.secret']).toBe('kafka-secret-1');
  });

  it('hides the Kafka key Cloud mints for SERVICE_ACCOUNT mode and its config.internal.* keys', async () => {
    const s = await cloudSetup({ provisioningReads: 0 });
    cloud = s.cloud;
    const { 'kafka.api.key': _k, 'kafka.api.secret': _s, ...rest } = S3_SINK;
    const sa = { ...rest, 'kafka.auth.mode': 'SERVICE_ACCOUNT', 'kafka.service.account.id': 'sa-123' };
    await s.cluster.create('orders-s3', sa);
    s.cloud.connectors.get('orders-s3')!.config['config.internal.tier'] = 'x';
    const actual = (await s.cluster.collect()).connectors[0]!;
    expect(actual.config).not.toHaveProperty('kafka.api.key');
    expect(actual.config).not.toHaveProperty('config.internal.tier');
    expect(hasChanges(await planOf(s, sa))).toBe(false);
    // The 2024 document still marks kafka.api.key/secret required on create: the contract check says so (SPEC.md).
    expect(s.violations.map((v) => v.operationId)).toEqual(['createConnectv1Connector']);
  });
});

describe('ConfluentCloudCluster: error shapes become UserErrors with hints', () => {
  it('401: names the key id and the secret reference, never the secret', async () => {
    const s = await cloudSetup();
    cloud = s.cloud;
    const bad = new ConfluentCloudCluster({
      apiEndpoint: s.cloud.url,
      environmentId: s.cloud.environmentId,
      kafkaClusterId: s.cloud.clusterId,
      apiKey: 'WRONGKEY',
      apiSecret: 'hunter2',
      credentialRef: '${env:CCLOUD_API_SECRET}',
    });
    const e = (await bad.collect().catch((x: unknown) => x)) as UserError;
    expect(e).toMatchObject({ code: 'CCLOUD_UNAUTHORIZED', message: expect.stringContaining('WRONGKEY') });
    expect(e.hint).toContain('${env:CCLOUD_API_SECRET}');
    expect(JSON.stringify([e.message, e.hint])).not.toContain('hunter2');
    expect(s.violations).toEqual([]);
  });

  it('reads all three body shapes', async () => {
    const s = await cloudSetup({ provisioningReads: 0 });
    cloud = s.cloud;
    // nested {"error":{"code","message"}}: unknown connector. Cloud's text names nothing; the path tells it apart
    // from a wrong environment or cluster id (issue #21 item 6).
    await expect(s.cluster.pause('ghost')).rejects.toMatchObject({
      code: 'CCLOUD_NOT_FOUND',
      message: expect.stringContaining('Connector ghost does not exist'),
      hint: expect.stringContaining('kcops connect list'),
    });
    s.cloud.notFoundShape = 'error_code';
    for (const op of [
      () => s.cluster.resume('ghost'),
      () => s.cluster.restart('ghost'),
      () => s.cluster.getOffsets('ghost'),
    ])
      await expect(op()).rejects.toMatchObject({
        code: 'CCLOUD_NOT_FOUND',
        message: expect.stringMatching(/^Connector ghost does not exist .*resource not found/),
      });
    // an unknown class: Cloud's 500 "Failed to find any class…" is the request's fault, not Cloud's
    await expect(s.cluster.create('x', { ...S3_SINK, 'connector.class': 'NoSuchPlugin' })).rejects.toMatchObject({
      code: 'CCLOUD_REJECTED',
      message: expect.stringContaining('Failed to find any class that implements Connector'),
      hint: expect.stringContaining('connector.class'),
    });
    expect(s.cloud.exchanges.filter((x) => x.method === 'POST' && x.status === 500)).toHaveLength(1);
    // {"error_code","message"}: 500 on create is not retried (it may have been created)
    s.cloud.failNext(500, 'error_code', 'Oops, something went wrong', /^POST /);
    await expect(s.cluster.create('y', S3_SINK)).rejects.toMatchObject({
      code: 'CCLOUD_SERVER_ERROR',
      message: expect.stringContaining('Oops, something went wrong'),
    });
    expect(s.cloud.exchanges.filter((x) => x.method === 'POST' && x.status === 500)).toHaveLength(2);
    expect(s.violations).toEqual([]);
  });

  it('retries 5xx on idempotent calls, and explains an unknown environment or cluster', async () => {
    const s = await cloudSetup({ provisioningReads: 0 });
    cloud = s.cloud;
    await s.cluster.create('a', S3_SINK);
    s.cloud.failNext(500, 'error_code', 'transient', /^PUT /);
    s.cloud.failNext(500, 'nested', 'transient', /^PUT /);
    await s.cluster.updateConfig('a', { ...S3_SINK, topics: 't2' });
    expect(s.cloud.connectors.get('a')?.config.topics).toBe('t2');
    const wrong = new ConfluentCloudCluster({
      apiEndpoint: s.cloud.url,
      environmentId: 'env-other',
      kafkaClusterId: s.cloud.clusterId,
      apiKey: s.cloud.apiKey,
      apiSecret: s.cloud.apiSecret,
    });
    await expect(wrong.collect()).rejects.toMatchObject({
      code: 'CCLOUD_NOT_FOUND',
      hint: expect.stringContaining('cluster.environmentId'),
    });
    const down = new ConfluentCloudCluster({
      apiEndpoint: 'http://127.0.0.1:1',
      environmentId: 'env-a',
      kafkaClusterId: 'lkc-a',
      apiKey: 'k',
      apiSecret: 's',
      serverRetry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    await expect(down.collect()).rejects.toMatchObject({ code: 'CCLOUD_UNREACHABLE' });
    expect(s.violations).toEqual([]);
  });
});
