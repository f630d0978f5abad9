import { ListObjectsV2Command, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { pgQuery, withCredentials } from '../../src/dev/postgres.js';
import { waitFor } from '../../src/dev/wait.js';
import { createConnector, credentials, deleteConnector, fileRef, runAs, stack, waitRunning } from './helpers.js';

const RUN = randomBytes(3).toString('hex');
const TABLE = `orders_${RUN}`;
const TOPIC = `payments.public.${TABLE}`;
const SOURCE = `payments-orders-cdc-${RUN}`;
const SINK = `payments-orders-s3-${RUN}`;
const SLOT = `kcops_it_${RUN}`;

function cdcUrl(): string {
  const c = credentials();
  return withCredentials(stack().postgres.url, c.postgres!.cdc);
}

describe('Debezium PostgreSQL → Kafka → S3, on real engines', () => {
  afterAll(async () => {
    await deleteConnector(SOURCE);
    await deleteConnector(SINK);
    // The slot outlives the connector; on a shared PostgreSQL (CI) drop it so WAL is not retained.
    await waitFor(
      async () => {
        await pgQuery(
          cdcUrl(),
          `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active`,
          [SLOT],
        );
        const left = await pgQuery(cdcUrl(), 'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [SLOT]);
        return left.length === 0 ? true : undefined;
      },
      { what: `replication slot ${SLOT} to be dropped`, timeoutMs: 30_000, intervalMs: 1000 },
    ).catch(() => undefined);
    await pgQuery(cdcUrl(), `DROP PUBLICATION IF EXISTS ${SLOT}`).catch(() => undefined);
    await pgQuery(cdcUrl(), `DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  });

  it('streams inserted rows into a topic (read back with a Kafka client) and lands them in the bucket', async () => {
    const s = stack();
    await pgQuery(
      cdcUrl(),
      `CREATE TABLE ${TABLE} (id serial PRIMARY KEY, item text NOT NULL, amount numeric(10,2) NOT NULL)`,
    );
    await createConnector(SOURCE, {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'tasks.max': '1',
      'database.hostname': fileRef('postgres', 'hostname'),
      'database.port': fileRef('postgres', 'port'),
      'database.user': fileRef('postgres', 'username'),
      'database.password': fileRef('postgres', 'password'),
      'database.dbname': fileRef('postgres', 'dbname'),
      'topic.prefix': 'payments',
      'table.include.list': `public.${TABLE}`,
      'plugin.name': 'pgoutput',
      'slot.name': SLOT,
      'publication.name': SLOT,
      'publication.autocreate.mode': 'filtered',
      'decimal.handling.mode': 'string',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      ...runAs('sa-payments'),
    });
    await waitRunning(SOURCE);
    const items = ['coffee', 'tea', 'cake'];
    for (const [i, item] of items.entries()) {
      await pgQuery(cdcUrl(), `INSERT INTO ${TABLE} (item, amount) VALUES ($1, $2)`, [item, `${i + 1}.50`]);
    }

    // Read the topic back with a real Kafka client, as the team's service account.
    const sa = credentials().kafka.serviceAccounts['sa-payments']!;
    const consumer = new Consumer({
      groupId: `connect-payments-it-reader-${RUN}`,
      clientId: 'kcops-it',
      bootstrapBrokers: [s.kafka.bootstrap],
      sasl: { mechanism: 'PLAIN', username: sa.username, password: sa.password },
      deserializers: stringDeserializers,
    });
    const seen: { after?: { item: string; amount: string }; op: string }[] = [];
    try {
      const stream = await consumer.consume({ topics: [TOPIC], mode: 'earliest', autocommit: false, maxWaitTime: 500 });
      await waitFor(
        async () => {
          const batch = await Promise.race([
            (async () => {
              for await (const m of stream) {
                if (m.value) seen.push(JSON.parse(m.value));
                if (seen.length >= items.length) break;
              }
              return true;
            })(),
            new Promise<undefined>((r) => setTimeout(() => r(undefined), 60_000)),
          ]);
          return batch;
        },
        { what: `${items.length} change events on ${TOPIC}`, timeoutMs: 70_000 },
      );
      await stream.close();
    } finally {
      await Promise.resolve(consumer.close(true)).catch(() => undefined);
    }
    expect(seen.map((e) => e.after?.item)).toEqual(items);
    expect(seen.every((e) => e.op === 'c')).toBe(true);

    // The S3 sink writes each record as an object, path-style, into the dev bucket.
    await createConnector(SINK, {
      'connector.class': 'org.apache.camel.kafkaconnector.CamelSinkConnector',
      'tasks.max': '1',
      topics: TOPIC,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'camel.sink.url':
        `aws2-s3://${s.s3.bucket}?overrideEndpoint=true&uriEndpointOverride=${s.s3.endpoint}&region=us-east-1` +
        `&autoCreateBucket=false&keyName=payments/orders/${RUN}/\${exchangeId}.json`,
      'camel.component.aws2-s3.accessKey': fileRef('s3', 'access.key.id'),
      'camel.component.aws2-s3.secretKey': fileRef('s3', 'secret.access.key'),
      ...runAs('sa-payments'),
    });
    await waitRunning(SINK);
    const c = credentials();
    const s3 = new S3Client({
      endpoint: s.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: c.s3!.accessKeyId, secretAccessKey: c.s3!.secretAccessKey },
    });
    const keys = await waitFor(
      async () => {
        const r = await s3.send(new ListObjectsV2Command({ Bucket: s.s3.bucket, Prefix: `payments/orders/${RUN}/` }));
        const found = (r.Contents ?? []).map((o) => o.Key ?? '');
        return found.length >= items.length ? found : undefined;
      },
      {
        what: `${items.length} objects in s3://${s.s3.bucket}/payments/orders/${RUN}/`,
        timeoutMs: 90_000,
        intervalMs: 1000,
      },
    );
    const bodies = await Promise.all(
      keys.map(async (Key) =>
        JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: s.s3.bucket, Key }))).Body!.transformToString()),
      ),
    );
    expect(bodies.map((b: { after: { item: string } }) => b.after.item).sort()).toEqual([...items].sort());
  });
});
