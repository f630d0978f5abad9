import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toManaged, toSelfManaged } from '../../../../src/core/convert/convert.js';
import { SHARED_DIR } from '../../../shared-dir.js';

const withoutKafkaAuth = (c: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(c).filter(([k]) => !/^kafka\.(auth\.mode|api\.key|api\.secret|service\.account\.id)$/.test(k)),
  );

/** Managed configs as a team would write them (secrets as references), one per supported plugin. */
const MANAGED: Record<string, Record<string, string>> = {
  PostgresCdcSourceV2: {
    'connector.class': 'PostgresCdcSourceV2',
    name: 'payments-orders-cdc',
    'kafka.auth.mode': 'SERVICE_ACCOUNT',
    'kafka.service.account.id': 'sa-payments',
    'database.hostname': 'pg.internal',
    'database.port': '5432',
    'database.user': 'cdc',
    'database.password': '${vault:secret/pg:password}',
    'database.dbname': 'payments',
    'topic.prefix': 'payments',
    'table.include.list': 'public.orders',
    'slot.name': 'payments_orders',
    'publication.name': 'payments_orders',
    'output.data.format': 'AVRO',
    'tasks.max': '1',
  },
  S3_SINK: {
    'connector.class': 'S3_SINK',
    name: 'payments-orders-s3',
    'kafka.auth.mode': 'SERVICE_ACCOUNT',
    'kafka.service.account.id': 'sa-payments',
    topics: 'payments.public.orders',
    'input.data.format': 'AVRO',
    'output.data.format': 'PARQUET',
    'compression.codec': 'PARQUET - snappy',
    's3.bucket.name': 'lake',
    's3.region': 'eu-west-1',
    'aws.access.key.id': '${vault:secret/s3:id}',
    'aws.secret.access.key': '${vault:secret/s3:secret}',
    'time.interval': 'HOURLY',
    'flush.size': '5000',
    'topics.dir': 'raw',
    'tasks.max': '2',
  },
  PostgresSource: {
    'connector.class': 'PostgresSource',
    name: 'crm-customers',
    'connection.host': 'pg.internal',
    'connection.port': '5432',
    'connection.user': 'reader',
    'connection.password': '${vault:secret/pg:password}',
    'db.name': 'crm',
    'table.include.list': 'public.customers',
    'timestamp.column.name': 'updated_at',
    'incrementing.column.name': 'id',
    'topic.prefix': 'crm.',
    'output.data.format': 'JSON_SR',
    'tasks.max': '1',
  },
  PostgresSink: {
    'connector.class': 'PostgresSink',
    name: 'orders-replica',
    topics: 'orders',
    'connection.host': 'pg.internal',
    'connection.port': '5432',
    'connection.user': 'writer',
    'connection.password': '${vault:secret/pg:password}',
    'db.name': 'replica',
    'input.data.format': 'AVRO',
    'insert.mode': 'UPSERT',
    'pk.mode': 'record_key',
    'auto.create': 'true',
    'ssl.mode': 'require',
    'tasks.max': '1',
  },
  MySqlSink: {
    'connector.class': 'MySqlSink',
    name: 'orders-mysql',
    topics: 'orders',
    'connection.host': 'mysql.internal',
    'connection.port': '3306',
    'connection.user': 'writer',
    'connection.password': '${vault:secret/mysql:password}',
    'db.name': 'shop',
    'input.data.format': 'PROTOBUF',
    'insert.mode': 'UPSERT',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'tasks.max': '1',
  },
  DynamoDbSink: {
    'connector.class': 'DynamoDbSink',
    name: 'orders-dynamo',
    topics: 'orders',
    'input.data.format': 'JSON_SR',
    'aws.access.key.id': '${vault:secret/aws:id}',
    'aws.secret.access.key': '${vault:secret/aws:secret}',
    'aws.dynamodb.pk.hash': 'value.id',
    'aws.dynamodb.pk.sort': 'value.ts',
    'table.name.format': 'orders',
    'tasks.max': '1',
  },
  DynamoDbCdcSource: {
    'connector.class': 'DynamoDbCdcSource',
    name: 'carts-cdc',
    'dynamodb.service.endpoint': 'https://dynamodb.eu-west-1.amazonaws.com',
    'dynamodb.table.sync.mode': 'CDC',
    'dynamodb.table.includelist': 'carts',
    'aws.access.key.id': '${vault:secret/aws:id}',
    'aws.secret.access.key': '${vault:secret/aws:secret}',
    'output.data.format': 'AVRO',
    'tasks.max': '1',
  },
};

describe('kcops convert: managed → self-managed → managed', () => {
  for (const [plugin, fm] of Object.entries(MANAGED)) {
    it(`${plugin} round-trips`, () => {
      const sm = toSelfManaged(fm);
      expect(sm.config['connector.class']).not.toBe(plugin);
      const back = toManaged(sm.config);
      expect(back.plugin).toBe(plugin);
      expect(withoutKafkaAuth(back.config)).toEqual(withoutKafkaAuth(fm));
      // Every key that could not be carried across is named in a warning.
      const lost = Object.keys(fm).filter((k) => !(k in back.config) || back.config[k] !== fm[k]);
      for (const k of lost) expect(sm.warnings.map((w) => w.key)).toContain(k);
    });
  }

  it('writes the worker keys the templates define (JDBC URL, dialect, converters, S3 format classes)', () => {
    expect(toSelfManaged(MANAGED.PostgresSink!).config).toMatchObject({
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': 'jdbc:postgresql://pg.internal:5432/replica',
      'connection.sslmode': 'require',
      'dialect.name': 'PostgreSqlDatabaseDialect',
      'value.converter': 'io.confluent.connect.avro.AvroConverter',
    });
    expect(toSelfManaged(MANAGED.S3_SINK!).config).toMatchObject({
      'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
      'format.class': 'io.confluent.connect.s3.format.parquet.ParquetFormat',
      'parquet.codec': 'snappy',
      'partition.duration.ms': '3600000',
      'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
    });
    const src = toSelfManaged(MANAGED.PostgresSource!);
    expect(src.config).toMatchObject({
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'updated_at',
      'incrementing.column.name': 'id',
    });
    const cdc = toSelfManaged(MANAGED.PostgresCdcSourceV2!);
    expect(cdc.config).toMatchObject({
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'plugin.name': 'pgoutput',
      'database.password': '${vault:secret/pg:password}',
    });
    expect(cdc.warnings.map((w) => w.key)).toEqual(
      expect.arrayContaining([
        'connector.class',
        'kafka.auth.mode',
        'kafka.service.account.id',
        'value.converter.schema.registry.url',
      ]),
    );
    // Nothing that only exists inside Confluent Cloud leaks into a worker config.
    for (const fm of Object.values(MANAGED)) {
      const keys = Object.keys(toSelfManaged(fm).config).join(' ');
      expect(keys).not.toMatch(
        /bootstrap\.servers|sasl|credentials\.provider|egress|requireTimestampTransform|jdbc\.creds/,
      );
    }
  });
});

describe('kcops convert: self-managed → managed', () => {
  it("matches Confluent's own migration of a real S3 sink where the templates say so", () => {
    const pair = JSON.parse(
      readFileSync(join(SHARED_DIR, 'specs/managed-connectors/sm_fm_pair_s3_sink.json'), 'utf8'),
    ) as {
      sm_config: Record<string, string>;
      config: Record<string, string>;
    };
    const fm = toManaged(pair.sm_config);
    for (const k of [
      'connector.class',
      'name',
      'tasks.max',
      'topics',
      's3.region',
      's3.bucket.name',
      'topics.dir',
      'flush.size',
      'timezone',
      'locale',
      'time.interval',
      'input.data.format',
      'output.data.format',
      'path.format',
      'rotate.schedule.interval.ms',
      'enhanced.avro.schema.support',
    ]) {
      expect([k, fm.config[k]]).toEqual([k, pair.config[k]]);
    }
    const warned = fm.warnings.map((w) => w.key);
    expect(warned).toEqual(
      expect.arrayContaining(['consumer.interceptor.classes', 'errors.retry.timeout', 'transforms.ReplaceField.type']),
    );
  });

  it('converts the example repository: Debezium PostgreSQL, Debezium JDBC sink, Camel aws2-s3 sink', () => {
    const dir = join(import.meta.dirname, '../../../../examples/kafka-connect-configs/connectors/dev');
    const load = (f: string) => {
      const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { name: string; config: Record<string, string> };
      return { ...c.config, name: c.name };
    };
    const cdc = toManaged(load('payments-orders-cdc.json'));
    expect(cdc.config).toMatchObject({
      'connector.class': 'PostgresCdcSourceV2',
      'database.hostname': '${env:KCOPS_PG_HOST}',
      'topic.prefix': 'payments',
      'kafka.auth.mode': 'SERVICE_ACCOUNT',
    });
    expect(cdc.config).not.toHaveProperty('plugin.name'); // fixed to pgoutput on Cloud
    expect(cdc.warnings.map((w) => w.key)).toContain('producer.override.sasl.jaas.config');

    const jdbc = toManaged(load('payments-orders-jdbc-sink.json'));
    expect(jdbc.from).toBe('io.debezium.connector.jdbc.JdbcSinkConnector');
    expect(jdbc.config).toMatchObject({
      'connector.class': 'PostgresSink',
      'connection.host': '${env:KCOPS_PG_HOST}',
      'connection.port': '${env:KCOPS_PG_PORT}',
      'db.name': 'kcops_sink',
      'connection.user': '${env:KCOPS_PG_USER}',
      'insert.mode': 'UPSERT',
      'pk.mode': 'record_key',
      'table.name.format': 'orders_replica',
    });
    expect(jdbc.warnings.map((w) => w.key)).toContain('input.data.format');

    const s3 = toManaged(load('payments-orders-s3-sink.json'));
    expect(s3.from).toBe('org.apache.camel.kafkaconnector.CamelSinkConnector');
    expect(s3.config).toMatchObject({
      'connector.class': 'S3_SINK',
      's3.bucket.name': 'kcops-dev',
      's3.region': 'us-east-1',
      'aws.secret.access.key': '${env:KCOPS_S3_SECRET_ACCESS_KEY}',
    });
    expect(s3.warnings.map((w) => w.key)).toEqual(
      expect.arrayContaining(['camel.sink.url', 'camel.sink.url keyName', 'camel.sink.url uriEndpointOverride']),
    );
  });

  it('refuses what it has no mapping for, saying what it supports', () => {
    expect(() => toManaged({ 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector' })).toThrow(
      /cannot convert a self-managed connector/,
    );
    expect(() => toSelfManaged({ 'connector.class': 'DatagenSource' })).toThrow(
      expect.objectContaining({ code: 'CONVERT_UNSUPPORTED', hint: expect.stringContaining('S3_SINK') }),
    );
  });
});
