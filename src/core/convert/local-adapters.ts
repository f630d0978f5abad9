import type { ConvertWarning } from './warning.js';

/**
 * The self-managed connectors this project actually runs are not always the ones Confluent's templates map to:
 * the dev stack has Camel's generic aws2-s3 sink instead of the Confluent S3 sink, and Debezium's JDBC sink instead of
 * Confluent's. Before converting to managed, their configs are rewritten into the template's worker keys; what has no
 * counterpart is warned about, like any unmapped key.
 */
export interface Adapted {
  config: Record<string, string>;
  warnings: ConvertWarning[];
  adaptedFrom: string;
}

const CAMEL_SINK = 'org.apache.camel.kafkaconnector.CamelSinkConnector';
const DEBEZIUM_JDBC_SINK = 'io.debezium.connector.jdbc.JdbcSinkConnector';

export function adaptLocal(config: Record<string, string>): Adapted | undefined {
  const cls = config['connector.class'];
  if (cls === CAMEL_SINK && /^aws2-s3:/.test(config['camel.sink.url'] ?? '')) return fromCamelS3(config);
  if (cls === DEBEZIUM_JDBC_SINK) return fromDebeziumJdbcSink(config);
  return undefined;
}

function fromCamelS3(config: Record<string, string>): Adapted {
  const warnings: ConvertWarning[] = [];
  const out: Record<string, string> = { 'connector.class': 'io.confluent.connect.s3.S3SinkConnector' };
  const url = config['camel.sink.url']!;
  const m = /^aws2-s3:(?:\/\/)?([^?]+)(?:\?(.*))?$/.exec(url);
  out['s3.bucket.name'] = m?.[1] ?? '';
  // Query values may hold `${exchangeId}`-style Camel expressions; they are read as written, not URL-decoded twice.
  for (const pair of (m?.[2] ?? '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    const v = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    if (k === 'region') out['s3.region'] = v;
    else if (k === 'accessKey') out['aws.access.key.id'] = v;
    else if (k === 'secretKey') out['aws.secret.access.key'] = v;
    else warnings.push({ key: `camel.sink.url ${k}`, message: camelParamNote(k) });
  }
  for (const [k, v] of Object.entries(config)) {
    if (k === 'connector.class' || k === 'camel.sink.url') continue;
    if (k === 'camel.component.aws2-s3.accessKey') out['aws.access.key.id'] = v;
    else if (k === 'camel.component.aws2-s3.secretKey') out['aws.secret.access.key'] = v;
    else if (k === 'camel.component.aws2-s3.region') out['s3.region'] = v;
    else if (k.startsWith('camel.'))
      warnings.push({ key: k, message: 'Camel-specific; the managed S3 sink has no counterpart.' });
    else out[k] = v;
  }
  warnings.push({
    key: 'camel.sink.url',
    message:
      'Camel writes one object per record named by keyName; the managed S3 sink batches records (flush.size, time.interval) under topics.dir/path.format. Review the object layout before switching.',
  });
  return { config: out, warnings, adaptedFrom: CAMEL_SINK };
}

function camelParamNote(k: string): string {
  if (k === 'overrideEndpoint' || k === 'uriEndpointOverride')
    return 'a custom S3 endpoint: the managed S3 sink writes to AWS S3 only.';
  if (k === 'keyName')
    return 'object naming: the managed S3 sink names objects from topics.dir, path.format and the partitioner.';
  if (k === 'autoCreateBucket') return 'the managed S3 sink never creates buckets: create it beforehand.';
  return 'Camel endpoint option without a managed counterpart.';
}

const INSERT_MODES: Record<string, string> = { insert: 'INSERT', upsert: 'UPSERT', update: 'UPDATE' };

function fromDebeziumJdbcSink(config: Record<string, string>): Adapted {
  const warnings: ConvertWarning[] = [];
  const out: Record<string, string> = { 'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector' };
  for (const [k, v] of Object.entries(config)) {
    switch (k) {
      case 'connector.class':
        break;
      case 'connection.username':
        out['connection.user'] = v;
        break;
      case 'insert.mode':
        out['insert.mode'] = INSERT_MODES[v.toLowerCase()] ?? v;
        break;
      case 'primary.key.mode':
        out['pk.mode'] = v;
        break;
      case 'primary.key.fields':
        out['pk.fields'] = v;
        break;
      case 'collection.name.format':
      case 'table.name.format':
        out['table.name.format'] = v;
        break;
      case 'schema.evolution':
        out['auto.create'] = String(v === 'basic');
        out['auto.evolve'] = String(v === 'basic');
        break;
      case 'use.time.zone':
      case 'database.time_zone':
        out['db.timezone'] = v;
        break;
      case 'field.include.list':
        out['fields.whitelist'] = v;
        break;
      default:
        if (
          /^(connection\.pool\.|dialect\.|flush\.|truncate\.|collection\.|column\.naming|table\.naming|cloud\.events|connection\.restart)/.test(
            k,
          )
        ) {
          warnings.push({
            key: k,
            message: 'Debezium JDBC sink option without a counterpart in the managed JDBC sinks.',
          });
        } else out[k] = v;
    }
  }
  return { config: out, warnings, adaptedFrom: DEBEZIUM_JDBC_SINK };
}
