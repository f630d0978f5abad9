import { afterEach, describe, expect, it } from 'vitest';
import type { FakeConfluentCloud } from '../../../fakes/confluent-cloud/server.js';
import { cloudSetup, S3_SINK } from './helpers.js';

let cloud: FakeConfluentCloud | undefined;
afterEach(async () => cloud?.stop());

describe('ConfluentCloudCluster: connector lifecycle against the stand-in', () => {
  it('creates without waiting (the apply waits, see apply-cloud.test.ts), updates, pauses, resumes, restarts, deletes', async () => {
    const s = await cloudSetup({ provisioningReads: 3 });
    cloud = s.cloud;
    await s.cluster.create('orders-s3', S3_SINK);
    // Like the Confluent CLI's create: the POST answers while Cloud provisions; nothing slept here.
    expect(s.sleeps).toEqual([]);
    expect(s.cluster.traits.provisioning).toMatchObject({ timeoutMs: 50_000, flapWindowMs: 10_000 });
    for (let i = 0; i < 3; i++) expect(await s.cluster.status('orders-s3')).toMatchObject({ state: 'PROVISIONING' });
    expect(await s.cluster.status('orders-s3')).toMatchObject({
      state: 'RUNNING',
      type: 'sink',
      tasks: [
        { id: 0, state: 'RUNNING' },
        { id: 1, state: 'RUNNING' },
      ],
    });

    await s.cluster.updateConfig('orders-s3', { ...S3_SINK, topics: 'orders,returns' });
    expect(s.cloud.connectors.get('orders-s3')?.config.topics).toBe('orders,returns');
    // Pause and resume are asynchronous on Cloud: 202, then the state moves (the commands wait for it).
    await s.cluster.pause('orders-s3');
    expect((await s.cluster.status('orders-s3'))?.state).toBe('RUNNING');
    expect(await s.cluster.status('orders-s3')).toMatchObject({
      state: 'PAUSED',
      tasks: [{ state: 'PAUSED' }, { state: 'PAUSED' }],
    });
    await s.cluster.resume('orders-s3');
    expect((await s.cluster.status('orders-s3'))?.state).toBe('PAUSED');
    expect((await s.cluster.status('orders-s3'))?.state).toBe('RUNNING');

    s.cloud.setState('orders-s3', 'DEGRADED', 'org.apache.kafka.connect.errors.ConnectException: bucket gone');
    const degraded = await s.cluster.status('orders-s3');
    expect(degraded).toMatchObject({
      state: 'DEGRADED',
      tasks: [{ id: 0, state: 'FAILED', trace: expect.stringContaining('bucket gone') }, { id: 1 }],
    });
    await s.cluster.restartTask('orders-s3', 0);
    expect(s.reporter.events.at(-1)).toEqual({
      kind: 'warn',
      text: 'Confluent Cloud cannot restart task 0 alone: restarting connector orders-s3 and all its tasks.',
    });
    expect((await s.cluster.status('orders-s3'))?.state).toBe('RUNNING');

    s.cloud.setState(
      'orders-s3',
      'FAILED',
      'There were some errors with your configuration:\ntopics: Provided Kafka ApiKey is invalid',
    );
    expect((await s.cluster.collect()).connectors[0]?.status).toMatchObject({
      state: 'FAILED',
      trace: expect.stringContaining('ApiKey is invalid'),
    });

    await s.cluster.delete('orders-s3');
    expect(await s.cluster.status('orders-s3')).toBeUndefined();
    await s.cluster.delete('orders-s3'); // already gone: not an error
    expect(s.violations).toEqual([]);
  });

  it('collects every connector with one request, ids and all', async () => {
    const s = await cloudSetup({ provisioningReads: 0 }, { provisioning: false });
    cloud = s.cloud;
    for (let i = 0; i < 12; i++) await s.cluster.create(`c${String(i).padStart(2, '0')}`, S3_SINK);
    const before = s.cloud.exchanges.length;
    const snap = await s.cluster.collect();
    expect(s.cloud.exchanges.length - before).toBe(1);
    expect(s.cloud.exchanges.at(-1)?.url).toMatch(/\/connectors\?expand=info,status,id$/);
    expect(snap.connectors.map((c) => c.name)).toEqual(
      Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}`),
    );
    expect(s.violations).toEqual([]);
  });

  it('creates a PAUSED connector by pausing right after create (no initial_state on Cloud) and refuses STOPPED', async () => {
    const s = await cloudSetup({ provisioningReads: 0 });
    cloud = s.cloud;
    expect(s.cluster.traits.supportsInitialState).toBe(false);
    await s.cluster.create('p', S3_SINK, 'PAUSED');
    // The pause asked during provisioning takes effect once provisioning has ended (asynchronously, like any pause).
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push((await s.cluster.status('p'))!.state);
    expect(seen).toEqual(['RUNNING', 'RUNNING', 'PAUSED', 'PAUSED']);
    await expect(s.cluster.stop('p')).rejects.toMatchObject({ code: 'CCLOUD_UNSUPPORTED', exitCode: 2 });
    await expect(s.cluster.create('q', S3_SINK, 'STOPPED')).rejects.toMatchObject({ code: 'CCLOUD_UNSUPPORTED' });
    await expect(s.cluster.create('p', S3_SINK)).rejects.toMatchObject({ code: 'CONNECTOR_EXISTS' });
    expect(s.violations).toEqual([]);
  });

  it('lists plugins, validates configs, describes a plugin, reads the config and the server', async () => {
    const s = await cloudSetup({ provisioningReads: 0 });
    cloud = s.cloud;
    expect((await s.cluster.plugins()).map((p) => p.class)).toContain('PostgresCdcSourceV2');
    const v = await s.cluster.validateConfig('S3_SINK', {
      name: 'x',
      'tasks.max': '1',
      'kafka.auth.mode': 'KAFKA_API_KEY',
    });
    // Required keys come from the S3_SINK templates; input.data.format has a default there, so it is not
    // missing; time.interval is
    // required only by a shared template, which the stand-in does not enforce.
    expect(v.errors).toEqual([
      {
        key: 's3.bucket.name',
        messages: ['Missing required configuration "s3.bucket.name" which has no default value.'],
      },
      { key: 'kafka.auth.mode', messages: ['"kafka.api.key" is required in KAFKA_API_KEY mode'] },
    ]);
    expect((await s.cluster.pluginConfig('S3_SINK')).find((d) => d.name === 'connector.class')).toMatchObject({
      required: true,
    });
    expect(await s.cluster.serverInfo()).toEqual({ version: 'confluent-cloud', kafkaClusterId: s.cloud.clusterId });
    await s.cluster.create('a', S3_SINK);
    expect(await s.cluster.connectorConfig('a')).toMatchObject({
      topics: 'orders',
      'kafka.api.secret': '****************',
    });
    expect(await s.cluster.connectorConfig('nope')).toBeUndefined();
    expect(await s.cluster.connectorTopics()).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  it('alters and resets offsets through a request polled until APPLIED', async () => {
    const s = await cloudSetup({ provisioningReads: 0, offsetRequestReads: 2 });
    cloud = s.cloud;
    await s.cluster.create('a', S3_SINK);
    s.cloud.setOffsets('a', [
      { partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 100 } },
    ]);
    expect(await s.cluster.getOffsets('a')).toEqual([
      { partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 100 } },
    ]);
    await s.cluster.alterOffsets('a', [
      { partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 7 } },
    ]);
    expect(await s.cluster.getOffsets('a')).toEqual([
      { partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 7 } },
    ]);
    // The first look waits longer: Cloud stops the connector to write offsets (Terraform waits 30 s first).
    expect(s.sleeps).toEqual([3_000, 1_000, 1_000]);
    await s.cluster.resetOffsets('a');
    expect(await s.cluster.getOffsets('a')).toEqual([]);
    expect(s.violations).toEqual([]);
  });
});
