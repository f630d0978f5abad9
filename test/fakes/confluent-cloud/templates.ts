import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '../../shared-dir.js';

/**
 * What the stand-in knows of each managed plugin, read from Confluent's resolved templates
 * (../shared/specs/managed-connectors/*_resolved_templates.json): its PASSWORD-typed keys (masked on every read),
 * its required keys and its defaults. A plugin's templates include the common ones (`common`,
 * `common-kafka-connectivity`, …), so `kafka.api.key`/`kafka.api.secret` are PASSWORD and `kafka.auth.mode` defaults
 * to KAFKA_API_KEY there, as on Cloud.
 */
export interface PluginTemplate {
  passwords: Set<string>;
  required: Set<string>;
  defaults: Map<string, string>;
}

export const TEMPLATE_DIR = join(SHARED_DIR, 'specs', 'managed-connectors');

interface ConfigDef {
  name: string;
  type?: string;
  required?: boolean;
  default_value?: string;
}

let cache: Map<string, PluginTemplate> | undefined;

/** Templates by plugin name (`S3_SINK`, `PostgresSink`, …: the first template of each file names the plugin). */
export function pluginTemplates(): Map<string, PluginTemplate> {
  if (cache) return cache;
  cache = new Map();
  for (const file of readdirSync(TEMPLATE_DIR).filter((f) => f.endsWith('_resolved_templates.json'))) {
    const doc = JSON.parse(readFileSync(join(TEMPLATE_DIR, file), 'utf8')) as {
      templates: { template_id: string; config_defs?: ConfigDef[] }[];
    };
    const t: PluginTemplate = { passwords: new Set(), required: new Set(), defaults: new Map() };
    for (const tpl of doc.templates)
      for (const d of tpl.config_defs ?? []) {
        if (d.type === 'PASSWORD') t.passwords.add(d.name);
        // Required as the plugin's own template and `common` say: shared templates such as `common-source` mark
        // keys Cloud fills in itself (producer.override.linger.ms) required with no default.
        if (d.required && (tpl === doc.templates[0] || tpl.template_id === 'common')) t.required.add(d.name);
        if (d.default_value !== undefined && d.default_value !== '' && !t.defaults.has(d.name))
          t.defaults.set(d.name, d.default_value);
      }
    cache.set(doc.templates[0]!.template_id, t);
  }
  return cache;
}

/** A plugin without a template file here (DatagenSource): only the Kafka credentials every connector has. */
export const FALLBACK_TEMPLATE: PluginTemplate = {
  passwords: new Set(['kafka.api.key', 'kafka.api.secret']),
  required: new Set(['connector.class', 'name']),
  defaults: new Map([['kafka.auth.mode', 'KAFKA_API_KEY']]),
};

export function templateOf(plugin: string | undefined): PluginTemplate {
  return (plugin && pluginTemplates().get(plugin)) || FALLBACK_TEMPLATE;
}
