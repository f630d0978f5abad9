import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shape of `terraform providers schema -json` (format 1.0), as far as the checks read it. */
export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: string; min_items?: number; max_items?: number; block: SchemaBlock }>;
  deprecated?: boolean;
}
export interface SchemaAttribute {
  type?: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
}
interface SchemaFile {
  provider_schemas: Record<
    string,
    {
      resource_schemas?: Record<string, { block: SchemaBlock }>;
      data_source_schemas?: Record<string, { block: SchemaBlock }>;
    }
  >;
}

export interface ProviderSchemas {
  resource(type: string): SchemaBlock | undefined;
  data(type: string): SchemaBlock | undefined;
  /** True when a provider with this prefix (aws, confluent) is known: types of other providers are not checked. */
  knowsProviderOf(type: string): boolean;
}

/** The schemas that ship with kcops (runtime/terraform/: Confluent 2.83.4, all of AWS 6.25.0 gzipped). */
export function bundledSchemaFiles(): string[] {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'runtime', 'terraform');
  return [join(dir, 'confluent.schema.json'), join(dir, 'aws.schema.json.gz')];
}

const cache = new Map<string, SchemaFile>();

/** Loads `terraform providers schema -json` outputs; later files add to earlier ones. */
export function loadSchemas(files: string[]): ProviderSchemas {
  const resources = new Map<string, SchemaBlock>();
  const data = new Map<string, SchemaBlock>();
  const prefixes = new Set<string>();
  for (const f of files) {
    let json = cache.get(f);
    if (!json) {
      const raw = readFileSync(f);
      json = JSON.parse((f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as SchemaFile;
      cache.set(f, json);
    }
    for (const [addr, p] of Object.entries(json.provider_schemas)) {
      prefixes.add(addr.split('/').pop()!);
      for (const [t, s] of Object.entries(p.resource_schemas ?? {})) resources.set(t, s.block);
      for (const [t, s] of Object.entries(p.data_source_schemas ?? {})) data.set(t, s.block);
    }
  }
  return {
    resource: (t) => resources.get(t),
    data: (t) => data.get(t),
    knowsProviderOf: (t) => prefixes.has(t.split('_')[0]!),
  };
}
