import type { PluginDef } from './index.js';
import transformsCatalog from './transforms.json' with { type: 'json' };

/**
 * Deprecated and removed keys, values and plugins, with their replacement. Curated by hand from the projects' own
 * release notes, because config definitions do not say what used to exist; joined at run time with what the
 * generated catalog says (a key its plugin documents as deprecated, a value its documentation renames).
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
];

/**
 * Keys that several Confluent Cloud connectors share, deprecated once for all of them: they apply to every managed
 * connector whose definition has the replacement (so a new managed sink with input.data.format is covered without a
 * list of class names to keep up to date). A removed key does not apply where the connector still defines it (the V1
 * CDC source keeps database.server.name).
 */
export const MANAGED_KEY_DEPRECATIONS: Omit<KeyDeprecation, 'classes'>[] = [
  { key: 'data.format', replacement: 'input.data.format', removed: false, note: 'older managed key' },
  { key: 'table.whitelist', replacement: 'table.include.list', removed: false, note: 'legacy name' },
  { key: 'table.blacklist', replacement: 'table.exclude.list', removed: false, note: 'legacy name' },
  {
    key: 'database.server.name',
    replacement: 'topic.prefix',
    removed: true,
    note: 'a V1 property; V2 uses topic.prefix',
  },
];

/** Every key deprecation that applies to this connector: curated by class, shared managed ones, and the plugin's own. */
export function keyDeprecationsFor(
  cls: string | undefined,
  plugin: PluginDef | undefined,
  managed: boolean,
): KeyDeprecation[] {
  if (!cls) return [];
  const out = KEY_DEPRECATIONS.filter((d) => d.classes.test(cls));
  const classes = new RegExp(`^${cls.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  if (managed && plugin) {
    for (const d of MANAGED_KEY_DEPRECATIONS) {
      const applies =
        d.replacement !== undefined && d.replacement in plugin.keys && !(d.removed && d.key in plugin.keys);
      if (applies && !out.some((o) => o.key === d.key)) out.push({ ...d, classes });
    }
  }
  for (const [key, def] of Object.entries(plugin?.keys ?? {})) {
    if (!def.deprecated || out.some((o) => o.key === key)) continue;
    out.push({
      classes,
      key,
      removed: def.removed === true,
      note: def.deprecated,
      ...(def.replacement ? { replacement: def.replacement } : {}),
    });
  }
  return out;
}

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

interface TransformsFile {
  transforms: Record<string, { version: string; source: string; keys: string[]; deprecated: Record<string, unknown> }>;
}

/**
 * Debezium's transformations as their current ConfigDef defines them (catalog/transforms.json, generated): an option
 * they no longer define is ignored, and the curated list below says what replaced the ones people still write.
 */
export const TRANSFORM_DEFS = (transformsCatalog as TransformsFile).transforms;

/** Options Debezium removed from its SMTs, with the replacement (Debezium 2.5 deprecated them, 3.0 removed them). */
export const DEBEZIUM_TRANSFORM_REMOVALS: { type: RegExp; key: string; replacement: string; note: string }[] = [
  {
    type: /^io\.debezium\.transforms\.ExtractNewRecordState$/,
    key: 'drop.tombstones',
    replacement: 'delete.tombstone.handling.mode',
    note: 'deprecated in Debezium 2.5, no longer defined by ExtractNewRecordState',
  },
  {
    type: /^io\.debezium\.transforms\.ExtractNewRecordState$/,
    key: 'delete.handling.mode',
    replacement: 'delete.tombstone.handling.mode',
    note: 'deprecated in Debezium 2.5, no longer defined by ExtractNewRecordState',
  },
];

export const TRANSFORM_CLASS_DEPRECATIONS: { cls: string; replacement: string; note: string }[] = [
  {
    cls: 'io.debezium.transforms.UnwrapFromEnvelope',
    replacement: 'io.debezium.transforms.ExtractNewRecordState',
    note: 'removed in Debezium 1.0',
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
