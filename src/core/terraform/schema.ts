import { readdirSync, readFileSync } from 'node:fs';
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
  meta?: { provider_version?: unknown };
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

const BUNDLED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'runtime', 'terraform');

/**
 * The schemas that ship with kcops: every <provider>.schema.json[.gz] of runtime/terraform/ (Confluent 2.83.4, all of
 * AWS 6.25.0 today), written by scripts/refresh-terraform-schemas.mjs from `terraform providers schema -json`.
 */
export function bundledSchemaFiles(dir = BUNDLED): string[] {
  return readdirSync(dir)
    .filter((n) => /\.schema\.json(\.gz)?$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** Provider address → version, as the refresh script records them (meta.provider_version of each file). */
export function schemaVersions(files: string[] = bundledSchemaFiles()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const json = read(f);
    const version = json.meta?.provider_version;
    for (const addr of Object.keys(json.provider_schemas)) if (typeof version === 'string') out[addr] = version;
  }
  return out;
}

const cache = new Map<string, SchemaFile>();

function read(f: string): SchemaFile {
  let json = cache.get(f);
  if (!json) {
    const raw = readFileSync(f);
    json = JSON.parse((f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as SchemaFile;
    cache.set(f, json);
  }
  return json;
}

/** Loads `terraform providers schema -json` outputs; later files add to earlier ones. */
export function loadSchemas(files: string[]): ProviderSchemas {
  const resources = new Map<string, SchemaBlock>();
  const data = new Map<string, SchemaBlock>();
  const prefixes = new Set<string>();
  for (const f of files) {
    const json = read(f);
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
