import selfManaged from './self-managed.json' with { type: 'json' };
import confluentCloud from './confluent-cloud.json' with { type: 'json' };

/**
 * Connector config definitions generated from the real plugins (scripts/gen-catalog.mjs): what keys each connector
 * class defines, with types, defaults and allowed values. Framework keys (tasks.max, errors.*, ...) are included.
 */
export interface KeyDef {
  type: string;
  required: boolean;
  default?: string;
  allowed?: string[];
  group?: string;
}

export interface PluginDef {
  class: string;
  type: 'source' | 'sink';
  version?: string;
  managed: boolean;
  keys: Record<string, KeyDef>;
}

interface CatalogFile {
  plugins: Record<string, { type: string; version?: string; keys: Record<string, KeyDef> }>;
}

function index(file: CatalogFile, managed: boolean): Map<string, PluginDef> {
  const out = new Map<string, PluginDef>();
  for (const [cls, p] of Object.entries(file.plugins)) {
    out.set(cls, {
      class: cls,
      type: p.type === 'sink' ? 'sink' : 'source',
      version: p.version,
      managed,
      keys: p.keys,
    });
  }
  return out;
}

const SELF = index(selfManaged as unknown as CatalogFile, false);
const MANAGED = index(confluentCloud as unknown as CatalogFile, true);

/** Connect accepts a plugin's simple class name, and that name without its `Connector` suffix, as aliases. */
function aliasesOf(cls: string): string[] {
  const simple = cls.slice(cls.lastIndexOf('.') + 1);
  return simple.endsWith('Connector') ? [simple, simple.slice(0, -'Connector'.length)] : [simple];
}

const SELF_ALIASES = new Map<string, PluginDef>();
for (const p of SELF.values()) for (const a of aliasesOf(p.class)) SELF_ALIASES.set(a, p);

/** Managed connector classes are bare names (PostgresCdcSourceV2, S3_SINK); self-managed ones are Java classes. */
export function isManagedClassName(cls: string): boolean {
  return !cls.includes('.') && (MANAGED.has(cls) || KNOWN_MANAGED.has(cls));
}

/** Managed connectors known by name but without templates in the bundled specs. */
const KNOWN_MANAGED = new Set([
  'ElasticsearchSink',
  'ElasticsearchSinkV2',
  'MySqlCdcSource',
  'BigQuerySink',
  'SnowflakeSink',
  'DatagenSource',
  'MongoDbAtlasSink',
  'MongoDbAtlasSource',
  'GcsSink',
  'AzureBlobSink',
  'HttpSink',
  'HttpSource',
  'LambdaSink',
]);

export function findPlugin(cls: string, managed: boolean): PluginDef | undefined {
  if (managed) return MANAGED.get(cls);
  return SELF.get(cls) ?? SELF_ALIASES.get(cls);
}

export function allPlugins(): PluginDef[] {
  return [...SELF.values(), ...MANAGED.values()];
}

/** Source or sink, from the catalog, or guessed from the class name when the plugin is unknown. */
export function connectorKind(
  cls: string | undefined,
  plugin: PluginDef | undefined,
  hasTopics: boolean,
): 'source' | 'sink' | undefined {
  if (plugin) return plugin.type;
  if (!cls) return hasTopics ? 'sink' : undefined;
  const simple = cls.slice(cls.lastIndexOf('.') + 1);
  if (/sink/i.test(simple)) return 'sink';
  if (/source|mirror|heartbeat|checkpoint/i.test(simple)) return 'source';
  return hasTopics ? 'sink' : undefined;
}

/** Keys whose names are open-ended: an alias or a client property follows the prefix. */
const DYNAMIC_PREFIXES = [
  /^(transforms|predicates)$/,
  /^transforms\.[^.]+\./,
  /^predicates\.[^.]+\./,
  /^(key|value|header)\.converter\./,
  /^(producer|consumer|admin)\.override\./,
  /^topic\.creation\./,
];
const DEBEZIUM_PREFIXES = [
  /^driver\./,
  /^schema\.history\.internal\./,
  /^signal\./,
  /^notification\./,
  /^converters?\./,
  /^column\.propagate/,
  /^message\.key\.columns/,
];

/**
 * Apache Camel Kafka Connector hands these to Camel itself: component options (`camel.component.aws2-s3.accessKey`),
 * endpoint and path options that build the URL when `camel.(sink|source).url` is not set, data formats and beans.
 * Their names depend on the Camel component, so the plugin's config definition cannot list them.
 */
const CAMEL_PREFIXES = [
  /^camel\.component\.[^.]+\./,
  /^camel\.(sink|source)\.(endpoint|path)\./,
  /^camel\.dataformat\.[^.]+\./,
  /^camel\.beans\./,
];

export function isDynamicKey(key: string, cls: string | undefined): boolean {
  if (DYNAMIC_PREFIXES.some((r) => r.test(key))) return true;
  if (cls?.startsWith('org.apache.camel.kafkaconnector.')) return CAMEL_PREFIXES.some((r) => r.test(key));
  if (cls?.startsWith('io.debezium.')) return DEBEZIUM_PREFIXES.some((r) => r.test(key)) || /^[^.]+\.type$/.test(key);
  return false;
}
