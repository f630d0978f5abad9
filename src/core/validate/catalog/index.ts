import type { IndexEntry } from './index-entry.js';
import { PLUGIN_INDEX } from './plugin-index.js';

/**
 * Connector config definitions generated from the real plugins (scripts/gen-catalog.mjs): what keys each connector
 * class defines, with types, defaults and allowed values. Framework keys (tasks.max, errors.*, ...) are included.
 * One JSON file per plugin, loaded only when a validated file names that class: `kcops validate` of one file reads
 * one definition, not the whole catalog.
 */
export interface KeyDef {
  type: string;
  required: boolean;
  default?: string;
  allowed?: string[];
  group?: string;
  /** Set when the plugin documents the key as deprecated (or removed): what it says. */
  deprecated?: string;
  replacement?: string;
  removed?: boolean;
}

export interface ValueDeprecationDef {
  key: string;
  value: string;
  replacement: string;
  note: string;
}

export interface PluginDef {
  class: string;
  type: 'source' | 'sink';
  version?: string;
  managed: boolean;
  /** Where the definition comes from (Maven artifact, REST endpoint, documentation page). */
  source?: string;
  /** false for entries written from documentation: they list the keys kcops checks, not every key the plugin has. */
  complete: boolean;
  keys: Record<string, KeyDef>;
  valueDeprecations: ValueDeprecationDef[];
}

export type { IndexEntry };

interface PluginFile {
  class: string;
  type: string;
  version?: string;
  managed: boolean;
  source?: string;
  complete?: boolean;
  keys: Record<string, KeyDef>;
  valueDeprecations?: ValueDeprecationDef[];
}

const SELF = new Map<string, IndexEntry>();
const MANAGED = new Map<string, IndexEntry>();
for (const e of PLUGIN_INDEX) (e.managed ? MANAGED : SELF).set(e.class, e);

/** Connect accepts a plugin's simple class name, and that name without its `Connector` suffix, as aliases. */
function aliasesOf(cls: string): string[] {
  const simple = cls.slice(cls.lastIndexOf('.') + 1);
  return simple.endsWith('Connector') ? [simple, simple.slice(0, -'Connector'.length)] : [simple];
}

const SELF_ALIASES = new Map<string, IndexEntry>();
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

const loaded = new Map<IndexEntry, Promise<PluginDef>>();

async function load(e: IndexEntry): Promise<PluginDef> {
  const f = (await e.load()).default as PluginFile;
  return {
    class: f.class,
    type: f.type === 'sink' ? 'sink' : 'source',
    managed: f.managed,
    complete: f.complete !== false,
    keys: f.keys,
    valueDeprecations: f.valueDeprecations ?? [],
    ...(f.version ? { version: f.version } : {}),
    ...(f.source ? { source: f.source } : {}),
  };
}

/** The definition of a connector class (or of its alias), read on first use and kept for the rest of the run. */
export async function findPlugin(cls: string, managed: boolean): Promise<PluginDef | undefined> {
  const e = managed ? MANAGED.get(cls) : (SELF.get(cls) ?? SELF_ALIASES.get(cls));
  if (!e) return undefined;
  let p = loaded.get(e);
  if (!p) loaded.set(e, (p = load(e)));
  return p;
}

/** Every class the catalog knows (without loading any definition). */
export function catalogClasses(): { class: string; managed: boolean }[] {
  return PLUGIN_INDEX.map((e) => ({ class: e.class, managed: e.managed }));
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

/** MirrorMaker 2 hands client settings to each cluster's clients by prefix (source.cluster.bootstrap.servers, ...). */
const MIRROR_PREFIXES = [
  /^(source|target)\.cluster\./,
  /^(source|target)\.(consumer|producer|admin)\./,
  /^offset-syncs\.(source|target)\.(consumer|producer|admin)\./,
];

/** Each list as one expression: asked for every key a plugin does not define (tens of thousands in a minified file). */
const oneOf = (rs: RegExp[]): RegExp => new RegExp(rs.map((r) => `(?:${r.source})`).join('|'));
const DYNAMIC = oneOf(DYNAMIC_PREFIXES);
const MIRROR = oneOf(MIRROR_PREFIXES);
const CAMEL = oneOf(CAMEL_PREFIXES);
const DEBEZIUM = oneOf([...DEBEZIUM_PREFIXES, /^[^.]+\.type$/]);

export function isDynamicKey(key: string, cls: string | undefined): boolean {
  if (DYNAMIC.test(key)) return true;
  if (cls?.startsWith('org.apache.kafka.connect.mirror.')) return MIRROR.test(key);
  if (cls?.startsWith('org.apache.camel.kafkaconnector.')) return CAMEL.test(key);
  if (cls?.startsWith('io.debezium.')) return DEBEZIUM.test(key);
  return false;
}
