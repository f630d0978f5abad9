/**
 * Deprecated and removed keys, values and plugins, with their replacement. Curated by hand from the projects' own
 * release notes, because config definitions do not say what used to exist.
 */
export interface KeyDeprecation {
  classes: RegExp;
  key: string;
  replacement?: string;
  removed: boolean;
  note: string;
}

const DEBEZIUM = /^io\.debezium\.connector\.|^PostgresCdcSourceV2$|^MySqlCdcSourceV2$/;
const DBZ2 = 'removed in Debezium 2.0';

export const KEY_DEPRECATIONS: KeyDeprecation[] = [
  { classes: DEBEZIUM, key: 'database.server.name', replacement: 'topic.prefix', removed: true, note: DBZ2 },
  { classes: DEBEZIUM, key: 'table.whitelist', replacement: 'table.include.list', removed: true, note: DBZ2 },
  { classes: DEBEZIUM, key: 'table.blacklist', replacement: 'table.exclude.list', removed: true, note: DBZ2 },
  { classes: DEBEZIUM, key: 'schema.whitelist', replacement: 'schema.include.list', removed: true, note: DBZ2 },
  { classes: DEBEZIUM, key: 'schema.blacklist', replacement: 'schema.exclude.list', removed: true, note: DBZ2 },
  { classes: DEBEZIUM, key: 'database.whitelist', replacement: 'database.include.list', removed: true, note: DBZ2 },
  { classes: DEBEZIUM, key: 'database.blacklist', replacement: 'database.exclude.list', removed: true, note: DBZ2 },
  { classes: DEBEZIUM, key: 'column.whitelist', replacement: 'column.include.list', removed: true, note: DBZ2 },
  { classes: DEBEZIUM, key: 'column.blacklist', replacement: 'column.exclude.list', removed: true, note: DBZ2 },
  {
    classes: DEBEZIUM,
    key: 'database.history.kafka.topic',
    replacement: 'schema.history.internal.kafka.topic',
    removed: true,
    note: DBZ2,
  },
  {
    classes: DEBEZIUM,
    key: 'database.history.kafka.bootstrap.servers',
    replacement: 'schema.history.internal.kafka.bootstrap.servers',
    removed: true,
    note: DBZ2,
  },
  {
    classes: /JdbcSourceConnector$|^(Postgres|MySql|Oracle|SqlServer)Source$/,
    key: 'table.whitelist',
    replacement: 'table.include.list',
    removed: false,
    note: 'legacy name',
  },
  {
    classes: /JdbcSourceConnector$|^(Postgres|MySql|Oracle|SqlServer)Source$/,
    key: 'table.blacklist',
    replacement: 'table.exclude.list',
    removed: false,
    note: 'legacy name',
  },
  {
    classes: /^(S3_SINK|GcsSink|AzureBlobSink)$/,
    key: 'data.format',
    replacement: 'input.data.format',
    removed: false,
    note: 'older managed key',
  },
];

export interface ValueDeprecation {
  classes: RegExp;
  key: string;
  value: string;
  replacement: string;
  note: string;
}

export const VALUE_DEPRECATIONS: ValueDeprecation[] = [
  {
    classes: DEBEZIUM,
    key: 'snapshot.mode',
    value: 'never',
    replacement: 'no_data',
    note: 'renamed in Debezium 2.6, removed in 3.0',
  },
  {
    classes: DEBEZIUM,
    key: 'snapshot.mode',
    value: 'schema_only',
    replacement: 'no_data',
    note: 'renamed in Debezium 2.6',
  },
  {
    classes: DEBEZIUM,
    key: 'snapshot.mode',
    value: 'schema_only_recovery',
    replacement: 'recovery',
    note: 'renamed in Debezium 2.6',
  },
];

/** Transformation options renamed by KIP-629 (Kafka 2.7); keyed by the transformation class. */
export const TRANSFORM_KEY_DEPRECATIONS: { type: RegExp; key: string; replacement: string; note: string }[] = [
  {
    type: /ReplaceField\$(Value|Key)$/,
    key: 'blacklist',
    replacement: 'exclude',
    note: 'deprecated by KIP-629 (Kafka 2.7)',
  },
  {
    type: /ReplaceField\$(Value|Key)$/,
    key: 'whitelist',
    replacement: 'include',
    note: 'deprecated by KIP-629 (Kafka 2.7)',
  },
];

export const PLUGIN_DEPRECATIONS: { cls: string; replacement: string; note: string }[] = [
  { cls: 'PostgresCdcSource', replacement: 'PostgresCdcSourceV2', note: 'Confluent gives end of life 2026-03-31' },
  {
    cls: 'MySqlCdcSource',
    replacement: 'MySqlCdcSourceV2',
    note: 'Confluent deprecated the V1 managed MySQL CDC source',
  },
  {
    cls: 'ElasticsearchSink',
    replacement: 'ElasticsearchSinkV2 (Elasticsearch Sink V2)',
    note: 'Confluent gives end of life 2027-04-06',
  },
];
