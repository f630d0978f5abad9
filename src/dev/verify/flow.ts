import { UserError } from '../../errors.js';
import { resolveWorkerEnv } from '../stack.js';

/**
 * What `dev verify` counts, read from the connectors' configs as stored on the cluster (pure: no I/O). Only the kinds
 * the dev stack runs are understood; anything else is refused with the list, never guessed.
 */
export interface SourceTable {
  schema: string;
  table: string;
  topic: string;
}

export interface SourcePlan {
  connector: string;
  kind: 'postgres-cdc';
  database: string;
  tables: SourceTable[];
}

export type SinkPlan =
  | { connector: string; kind: 'jdbc'; database: string; tableFor: (topic: string) => string; topics: string[] }
  | { connector: string; kind: 's3'; bucket: string; prefix: string; topics: string[] };

export const SUPPORTED_SOURCES = ['io.debezium.connector.postgresql.PostgresConnector'];
export const SUPPORTED_SINKS = [
  'io.debezium.connector.jdbc.JdbcSinkConnector',
  'io.confluent.connect.jdbc.JdbcSinkConnector',
  'org.apache.camel.kafkaconnector.CamelSinkConnector (aws2-s3)',
  'org.apache.camel.kafkaconnector.aws2s3.CamelAws2s3SinkConnector',
];

export function planSource(name: string, config: Record<string, string>, env: Record<string, string>): SourcePlan {
  const cls = config['connector.class'] ?? '';
  if (!SUPPORTED_SOURCES.includes(cls)) {
    throw new UserError(
      'VERIFY_UNSUPPORTED',
      `dev verify cannot count the source of ${name} (${cls || 'no connector.class'}).`,
      {
        hint: `Sources it understands: ${SUPPORTED_SOURCES.join(', ')}.`,
        exitCode: 2,
      },
    );
  }
  const r = (k: string) => resolveWorkerEnv(config[k] ?? '', env);
  const list = r('table.include.list');
  if (!list) {
    throw new UserError(
      'VERIFY_UNSUPPORTED',
      `${name} has no table.include.list: dev verify needs to know which tables it captures.`,
      {
        exitCode: 2,
      },
    );
  }
  const prefix = r('topic.prefix') || r('database.server.name');
  const tables = list.split(',').map((t) => {
    const entry = t.trim();
    // Entries are regular expressions; only plain schema.table names can be counted.
    if (/[*\\[\]()|+?^$]/.test(entry) || entry.split('.').length > 2) {
      throw new UserError(
        'VERIFY_UNSUPPORTED',
        `${name} captures tables by pattern (${entry}): name them one by one to verify.`,
        {
          exitCode: 2,
        },
      );
    }
    const [schema, table] = entry.includes('.') ? (entry.split('.') as [string, string]) : ['public', entry];
    return { schema, table, topic: `${prefix}.${schema}.${table}` };
  });
  return { connector: name, kind: 'postgres-cdc', database: r('database.dbname'), tables };
}

export function planSink(name: string, config: Record<string, string>, env: Record<string, string>): SinkPlan {
  const cls = config['connector.class'] ?? '';
  const r = (k: string) => resolveWorkerEnv(config[k] ?? '', env);
  const topics = r('topics')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (cls === 'io.debezium.connector.jdbc.JdbcSinkConnector' || cls === 'io.confluent.connect.jdbc.JdbcSinkConnector') {
    const url = r('connection.url');
    const db = /^jdbc:postgresql:\/\/[^/]+\/([^?;]+)/.exec(url)?.[1];
    if (!db) {
      throw new UserError(
        'VERIFY_UNSUPPORTED',
        `${name} writes to ${url.replace(/\/\/[^@/]*@/, '//')}: dev verify reads PostgreSQL sinks only.`,
        {
          exitCode: 2,
        },
      );
    }
    const format = cls.startsWith('io.debezium')
      ? r('collection.name.format') || r('table.name.format') || '${topic}'
      : r('table.name.format') || '${topic}';
    // Debezium's JDBC sink turns the dots of a topic name into underscores for the table; Confluent's keeps them.
    const tableFor = (topic: string) =>
      format.replace(/\$\{topic\}/g, cls.startsWith('io.debezium') ? topic.replace(/\./g, '_') : topic);
    return { connector: name, kind: 'jdbc', database: decodeURIComponent(db), tableFor, topics };
  }
  if (cls.startsWith('org.apache.camel.kafkaconnector.')) {
    const url =
      r('camel.sink.url') ||
      `aws2-s3://${r('camel.kamelet.aws-s3-sink.bucketNameOrArn') || r('camel.sink.path.bucketNameOrArn')}`;
    const m = /^aws2-s3:\/\/([^?]+)(?:\?(.*))?$/.exec(url);
    if (m) {
      const params = new URLSearchParams((m[2] ?? '').replace(/\+/g, '%2B'));
      const keyName = params.get('keyName') ?? r('camel.sink.endpoint.keyName');
      // Objects are found by the fixed part of the key name, before its first ${...} expression.
      const prefix = keyName.split('${')[0] ?? '';
      return { connector: name, kind: 's3', bucket: m[1]!, prefix, topics };
    }
  }
  throw new UserError(
    'VERIFY_UNSUPPORTED',
    `dev verify cannot count the sink ${name} (${cls || 'no connector.class'}).`,
    {
      hint: `Sinks it understands: ${SUPPORTED_SINKS.join(', ')}.`,
      exitCode: 2,
    },
  );
}
