import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import { MASK, type FakeConfluentCloud } from '../../fakes/confluent-cloud/server.js';
import type { Violation } from '../../fakes/confluent-cloud/openapi-contract.js';

/** The stand-in's own tests: raw HTTP against it, every exchange checked against the OpenAPI documents. */
let cloud: FakeConfluentCloud;
let violations: Violation[];
let base: string;
let auth: string;

async function call(method: string, path: string, body?: unknown, authorization = auth) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const s3 = {
  'connector.class': 'S3_SINK',
  name: 'orders-s3',
  'kafka.auth.mode': 'KAFKA_API_KEY',
  'kafka.api.key': 'KAFKAKEY',
  'kafka.api.secret': 'kafka-secret',
  'aws.access.key.id': 'AKIAFAKE',
  'aws.secret.access.key': 'aws-secret',
  topics: 'orders',
  's3.bucket.name': 'lake',
  'input.data.format': 'JSON',
  'output.data.format': 'JSON',
  'time.interval': 'HOURLY',
  'tasks.max': '2',
};

beforeEach(async () => {
  ({ cloud, violations } = await startCheckedCloud({ provisioningReads: 1 }));
  base = `${cloud.url}/connect/v1/environments/${cloud.environmentId}/clusters/${cloud.clusterId}`;
  auth = 'Basic ' + Buffer.from(`${cloud.apiKey}:${cloud.apiSecret}`).toString('base64');
});
afterEach(async () => {
  await cloud.stop();
});

describe('Confluent Cloud stand-in', () => {
  it('runs the whole connector lifecycle within the published contract', async () => {
    expect((await call('POST', '/connectors', { name: 'orders-s3', config: s3 })).status).toBe(201);
    expect((await call('GET', '/connectors')).body).toEqual(['orders-s3']);
    const st1 = await call('GET', '/connectors/orders-s3/status');
    expect((st1.body!.connector as { state: string }).state).toBe('PROVISIONING');
    const st2 = await call('GET', '/connectors/orders-s3/status');
    expect((st2.body!.connector as { state: string }).state).toBe('RUNNING');
    const list = await call('GET', '/connectors?expand=info,status,id');
    const e = list.body!['orders-s3'] as {
      id: { id: string };
      info: { config: Record<string, string> };
      status: { tasks: unknown[] };
    };
    expect(e.id.id).toMatch(/^lcc-/);
    expect(e.info.config['kafka.api.secret']).toBe(MASK);
    expect(e.info.config['aws.secret.access.key']).toBe(MASK);
    expect(e.info.config['kafka.endpoint']).toMatch(/^SASL_SSL:\/\//);
    expect(e.info.config['connector.crn']).toContain('connector=orders-s3');
    expect(e.status.tasks).toHaveLength(2);
    expect((await call('GET', '/connectors/orders-s3')).status).toBe(200);
    expect((await call('GET', '/connectors/orders-s3/config')).body!['topics']).toBe('orders');
    expect((await call('PUT', '/connectors/orders-s3/config', { ...s3, topics: 'orders,returns' })).status).toBe(200);
    expect((await call('GET', '/connectors/orders-s3/tasks')).status).toBe(200);
    expect((await call('PUT', '/connectors/orders-s3/pause')).status).toBe(202);
    // Asynchronous, as on Cloud: the first read after the 202 still shows the old state.
    const state = async () =>
      ((await call('GET', '/connectors/orders-s3/status')).body!.connector as { state: string }).state;
    expect(await state()).toBe('RUNNING');
    expect(await state()).toBe('PAUSED');
    expect((await call('PUT', '/connectors/orders-s3/resume')).status).toBe(202);
    expect((await call('POST', '/connectors/orders-s3/restart')).status).toBe(202);
    expect((await call('GET', '/connector-plugins')).status).toBe(200);
    const v = await call('PUT', '/connector-plugins/S3_SINK/config/validate', { 'connector.class': 'S3_SINK' });
    expect(v.body!.error_count).toBeGreaterThan(0);
    expect((await call('DELETE', '/connectors/orders-s3')).body).toEqual({ error: null });
    expect((await call('GET', '/connectors/orders-s3/status')).status).toBe(404);
    expect(violations).toEqual([]);
  });

  it('alters offsets through a request and its status', async () => {
    await call('POST', '/connectors', { name: 'orders-s3', config: s3 });
    cloud.setOffsets('orders-s3', [
      { partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 10 } },
    ]);
    const patch = [{ partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 3 } }];
    expect(
      (await call('POST', '/connectors/orders-s3/offsets/request', { type: 'PATCH', offsets: patch })).status,
    ).toBe(202);
    expect(
      ((await call('GET', '/connectors/orders-s3/offsets/request/status')).body!.status as { phase: string }).phase,
    ).toBe('PENDING');
    expect(
      ((await call('GET', '/connectors/orders-s3/offsets/request/status')).body!.status as { phase: string }).phase,
    ).toBe('APPLIED');
    expect((await call('GET', '/connectors/orders-s3/offsets')).body!.offsets).toEqual(patch);
    expect(violations).toEqual([]);
  });

  it('answers 401 without the Cloud API key, 429 with Retry-After in a storm, and the three error shapes', async () => {
    expect((await call('GET', '/connectors', undefined, 'Basic eDp5')).status).toBe(401);
    cloud.rateLimitStorm(2, 3);
    const limited = await call('GET', '/connectors');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    await call('GET', '/connectors');
    expect((await call('GET', '/connectors')).status).toBe(200);
    const bad = await call('POST', '/connectors', {
      name: 'x',
      config: { ...s3, name: 'x', 'connector.class': 'Nope' },
    });
    expect(bad.status).toBe(500);
    expect(bad.body).toEqual({
      error_code: 500,
      message: 'Failed to find any class that implements Connector and which name matches Nope',
    });
    cloud.failNext(500, 'error_code', 'Oops');
    expect((await call('PUT', '/connectors/none/config', s3)).body).toEqual({ error_code: 500, message: 'Oops' });
    expect((await call('GET', '/connectors/none')).body).toEqual({
      error: { code: 404, message: 'resource not found' },
    });
    cloud.notFoundShape = 'error_code';
    expect((await call('GET', '/connectors/none/status')).body).toEqual({
      error_code: 404,
      message: 'resource not found',
    });
    expect(violations).toEqual([]);
  });

  it('PUT /config on an unknown name creates the connector, PROVISIONING like a POST (issue #21 item 4)', async () => {
    const put = await call('PUT', '/connectors/fresh/config', s3);
    expect(put.status).toBe(200);
    expect(cloud.connectors.get('fresh')).toMatchObject({ state: 'PROVISIONING', config: { ...s3, name: 'fresh' } });
    expect(violations).toEqual([]);
  });

  it("masks the PASSWORD-typed keys of the plugin's templates, not keys named like secrets (item 7)", async () => {
    const pg = {
      name: 'pg',
      'connector.class': 'PostgresSource',
      'kafka.auth.mode': 'KAFKA_API_KEY',
      'kafka.api.key': 'K',
      'kafka.api.secret': 'S',
      'connection.password': 'pw',
      'ssl.rootcertfile': '-----BEGIN CERTIFICATE-----',
      query: 'SELECT * FROM t',
      'heartbeat.action.query': 'INSERT INTO hb VALUES (1)',
      'secret.manager.enabled': 'false',
    };
    await call('POST', '/connectors', { name: 'pg', config: pg });
    const cfg = (await call('GET', '/connectors/pg/config')).body as Record<string, string>;
    expect(cfg).toMatchObject({
      'connection.password': MASK,
      'ssl.rootcertfile': MASK,
      query: MASK,
      'kafka.api.secret': MASK,
      'heartbeat.action.query': 'INSERT INTO hb VALUES (1)',
      'secret.manager.enabled': 'false',
    });
    await call('POST', '/connectors', { name: 's3', config: { ...s3, 's3.sse.customer.key': 'k' } });
    expect(((await call('GET', '/connectors/s3/config')).body as Record<string, string>)['s3.sse.customer.key']).toBe(
      MASK,
    );
    // validate: kafka.auth.mode is optional and defaults to KAFKA_API_KEY; an unset key comes back as "".
    const v = (await call('PUT', '/connector-plugins/S3_SINK/config/validate', { 'connector.class': 'S3_SINK' }))
      .body as { configs: { value: { name: string; value: string; errors: string[] } }[] };
    const mode = v.configs.find((c) => c.value.name === 'kafka.auth.mode')!.value;
    expect(mode).toMatchObject({
      value: 'KAFKA_API_KEY',
      errors: ['"kafka.api.key" is required in KAFKA_API_KEY mode'],
    });
    expect(v.configs.find((c) => c.value.name === 's3.bucket.name')!.value.value).toBe('');
    expect(violations).toEqual([]);
  });

  it('rejects offsets whose numbers are strings, as Cloud did (ClassCastException) (item 8)', async () => {
    await call('POST', '/connectors', { name: 'o', config: s3 });
    const r = await call('POST', '/connectors/o/offsets/request', {
      type: 'PATCH',
      offsets: [{ partition: { kafka_topic: 't', kafka_partition: 0 }, offset: { kafka_offset: '7' } }],
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('ClassCastException');
    expect(violations).toEqual([]);
  });

  it('the contract check catches what the published documents do not allow', async () => {
    // SERVICE_ACCOUNT mode omits kafka.api.key/secret, which the 2024 document still marks required on create.
    const { 'kafka.api.key': _k, 'kafka.api.secret': _s, ...sa } = s3;
    await call('POST', '/connectors', {
      name: 'sa',
      config: { ...sa, 'kafka.auth.mode': 'SERVICE_ACCOUNT', 'kafka.service.account.id': 'sa-1' },
    });
    await call('GET', '/connectors?expand=bogus');
    expect(violations.map((v) => v.problem)).toEqual([
      expect.stringContaining("must have required property 'kafka.api.key'"),
      expect.stringContaining("query parameter 'expand'='bogus'"),
    ]);
  });

  it('produces records through Kafka REST v3 with the Kafka key: delivery report, 40403, 40301, 40101, 400', async () => {
    const rest = `${cloud.url}/kafka/v3/clusters/${cloud.clusterId}/topics`;
    const kafkaAuth = 'Basic ' + Buffer.from(`${cloud.kafkaApiKey}:${cloud.kafkaApiSecret}`).toString('base64');
    const produce = (topic: string, body: unknown, authorization = kafkaAuth) =>
      fetch(`${rest}/${topic}/records`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const record = {
      key: { type: 'STRING', data: 'payments-a' },
      value: { type: 'STRING', data: '{"seq":1}' },
      headers: [{ name: 'kcops-env', value: Buffer.from('prod').toString('base64') }],
    };
    expect(await produce('audit', record)).toMatchObject({ status: 404, body: { error_code: 40403 } });
    cloud.topics.add('audit');
    expect(await produce('audit', record)).toMatchObject({
      status: 200,
      body: { error_code: 200, topic_name: 'audit', partition_id: 0, offset: 0, value: { type: 'STRING', size: 9 } },
    });
    expect(cloud.produced.get('audit')).toEqual([
      { key: 'payments-a', value: '{"seq":1}', headers: { 'kcops-env': 'prod' }, partition: 0, offset: 0 },
    ]);
    expect((await produce('audit', record, auth)).body).toMatchObject({ error_code: 40101 });
    expect((await produce('audit', { ...record, headers: [{ name: 'h', value: 'not base64!' }] })).status).toBe(400);
    cloud.writeDenied.add('audit');
    expect(await produce('audit', record)).toMatchObject({ status: 403, body: { error_code: 40301 } });
    // Only the deliberately bad request breaks the contract.
    expect(violations.map((v) => v.problem)).toEqual(['request body: body/headers/0/value must match format "byte"']);
  });
});
