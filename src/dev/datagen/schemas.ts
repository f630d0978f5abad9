import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../../errors.js';
import type { Field, FieldKind } from './fields.js';

/** A column as PostgreSQL's catalog describes it (information_schema.columns plus the primary key). */
export interface CatalogColumn {
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  column_default: string | null;
  is_identity: 'YES' | 'NO';
  is_generated: string;
  primary_key: boolean;
  enum_labels: string[] | null;
}

const PG_KINDS: Record<string, FieldKind> = {
  integer: 'int',
  bigint: 'bigint',
  smallint: 'smallint',
  numeric: 'decimal',
  real: 'float',
  'double precision': 'float',
  text: 'text',
  'character varying': 'text',
  character: 'text',
  boolean: 'bool',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamp',
  date: 'date',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'json',
};

/**
 * Columns the database fills itself (serial, identity, generated, any default) are left to it: inserting into them
 * would fight the sequence. A primary key without a default is generated as a sequence after the existing keys.
 */
export function fieldsFromCatalog(table: string, cols: CatalogColumn[]): Field[] {
  const fields: Field[] = [];
  for (const c of cols) {
    if (c.is_identity === 'YES' || c.is_generated === 'ALWAYS' || c.column_default !== null) continue;
    const kind: FieldKind | undefined = c.enum_labels ? 'enum' : PG_KINDS[c.data_type];
    if (!kind) {
      if (c.is_nullable === 'YES') continue; // left NULL: better than a wrong value
      throw new UserError(
        'DATAGEN_UNSUPPORTED_TYPE',
        `Column ${table}.${c.column_name} has type ${c.data_type}, which datagen cannot generate.`,
        { hint: 'Give it a default or make it nullable, or generate into a table of supported types.', exitCode: 2 },
      );
    }
    fields.push({
      name: c.column_name,
      kind,
      nullable: c.is_nullable === 'YES',
      ...(c.character_maximum_length !== null ? { maxLength: c.character_maximum_length } : {}),
      ...(kind === 'decimal' && c.numeric_precision !== null ? { precision: c.numeric_precision } : {}),
      ...(kind === 'decimal' && c.numeric_scale !== null ? { scale: c.numeric_scale } : {}),
      ...(c.enum_labels ? { symbols: c.enum_labels } : {}),
      ...(c.primary_key ? { sequence: true } : {}),
    });
  }
  return fields;
}

type AvroType = string | { type: string; [k: string]: unknown } | AvroType[];

/** An Avro record schema's fields (primitives, enums, unions with null, logical types). */
export function fieldsFromAvro(schema: unknown, where: string): Field[] {
  const s = schema as { type?: unknown; name?: unknown; fields?: { name: string; type: AvroType }[] };
  if (s?.type !== 'record' || !Array.isArray(s.fields)) {
    throw new UserError('DATAGEN_BAD_SCHEMA', `${where} is not an Avro record schema.`, { exitCode: 2 });
  }
  return s.fields.map((f) => {
    let t = f.type;
    let nullable = false;
    if (Array.isArray(t)) {
      nullable = t.includes('null');
      const rest = t.filter((x) => x !== 'null');
      if (rest.length !== 1) throw unsupported(where, f.name, JSON.stringify(f.type));
      t = rest[0]!;
    }
    const field: Field = { name: f.name, kind: 'text', nullable };
    if (Array.isArray(t)) throw unsupported(where, f.name, JSON.stringify(t));
    const name = typeof t === 'string' ? t : t.type;
    const logical = typeof t === 'object' && !Array.isArray(t) ? (t.logicalType as string | undefined) : undefined;
    if (logical === 'decimal' && typeof t === 'object' && !Array.isArray(t)) {
      return { ...field, kind: 'decimal', precision: Number(t.precision ?? 10), scale: Number(t.scale ?? 0) };
    }
    if (logical === 'timestamp-millis' || logical === 'timestamp-micros') return { ...field, kind: 'timestamp' };
    if (logical === 'date') return { ...field, kind: 'date' };
    if (logical === 'uuid') return { ...field, kind: 'uuid' };
    const byName: Record<string, FieldKind> = {
      int: 'int',
      long: 'bigint',
      string: 'text',
      boolean: 'bool',
      float: 'float',
      double: 'float',
    };
    if (name === 'enum' && typeof t === 'object' && !Array.isArray(t))
      return { ...field, kind: 'enum', symbols: t.symbols as string[] };
    const kind = byName[name];
    if (!kind) throw unsupported(where, f.name, name);
    return { ...field, kind, ...(f.name === 'id' && (kind === 'int' || kind === 'bigint') ? { sequence: true } : {}) };
  });
}

/** A JSON Schema object's properties (integer, number, string with format date-time/date/uuid, boolean, enum). */
export function fieldsFromJsonSchema(schema: unknown, where: string): Field[] {
  const s = schema as {
    properties?: Record<string, { type?: string | string[]; format?: string; enum?: string[]; maxLength?: number }>;
    required?: string[];
  };
  if (!s?.properties) throw new UserError('DATAGEN_BAD_SCHEMA', `${where} has no "properties".`, { exitCode: 2 });
  return Object.entries(s.properties).map(([name, p]) => {
    const types = Array.isArray(p.type) ? p.type : [p.type ?? 'string'];
    const nullable = types.includes('null') || !(s.required ?? []).includes(name);
    const t = types.find((x) => x !== 'null') ?? 'string';
    const base: Field = { name, kind: 'text', nullable, ...(p.maxLength ? { maxLength: p.maxLength } : {}) };
    if (p.enum) return { ...base, kind: 'enum', symbols: p.enum };
    if (t === 'integer') return { ...base, kind: 'bigint', ...(name === 'id' ? { sequence: true } : {}) };
    if (t === 'number') return { ...base, kind: 'float' };
    if (t === 'boolean') return { ...base, kind: 'bool' };
    if (p.format === 'date-time') return { ...base, kind: 'timestamp' };
    if (p.format === 'date') return { ...base, kind: 'date' };
    if (p.format === 'uuid') return { ...base, kind: 'uuid' };
    return base;
  });
}

function unsupported(where: string, field: string, type: string): UserError {
  return new UserError(
    'DATAGEN_UNSUPPORTED_TYPE',
    `${where}: field ${field} has type ${type}, which datagen cannot generate.`,
    {
      exitCode: 2,
    },
  );
}

/** Reads an .avsc or a JSON Schema file into fields. */
export function fieldsFromSchemaFile(path: string): { fields: Field[]; recordName: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError('DATAGEN_BAD_SCHEMA', `Cannot read the schema ${path}.`, { cause: e, exitCode: 2 });
  }
  const name =
    (doc as { name?: string; title?: string }).name ??
    (doc as { title?: string }).title ??
    basename(path).replace(/\..*$/, '');
  return path.endsWith('.avsc')
    ? { fields: fieldsFromAvro(doc, path), recordName: name }
    : { fields: fieldsFromJsonSchema(doc, path), recordName: name };
}

/**
 * The schema in a repository's schemas/ (avro/*.avsc, json/*.json) whose record is the table's row: `orders` ↔
 * record `Order` or file `order.avsc`. How `datagen postgres --table public.orders` creates a missing table on the
 * example repository without being told the schema.
 */
export function findSchemaForTable(repoRoot: string, table: string): string | undefined {
  const want = new Set([table.toLowerCase(), table.toLowerCase().replace(/s$/, '')]);
  for (const sub of ['avro', 'json']) {
    const dir = join(repoRoot, 'schemas', sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!/\.(avsc|json)$/.test(f)) continue;
      const path = join(dir, f);
      const stem = f.replace(/\..*$/, '').toLowerCase();
      let recordName = '';
      try {
        const doc = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; title?: string };
        recordName = String(doc.name ?? doc.title ?? '').toLowerCase();
      } catch {
        continue;
      }
      if (want.has(stem) || want.has(recordName)) return path;
    }
  }
  return undefined;
}

const SQL_TYPES: Record<FieldKind, (f: Field) => string> = {
  int: () => 'integer',
  bigint: () => 'bigint',
  smallint: () => 'smallint',
  decimal: (f) => `numeric(${f.precision ?? 10},${f.scale ?? 0})`,
  float: () => 'double precision',
  text: (f) => (f.maxLength ? `varchar(${f.maxLength})` : 'text'),
  bool: () => 'boolean',
  timestamp: () => 'timestamptz',
  date: () => 'date',
  uuid: () => 'uuid',
  json: () => 'jsonb',
  enum: () => 'text',
};

/** CREATE TABLE for fields read from a schema; the sequence field (`id`) becomes an identity primary key. */
export function createTableSql(qualified: string, fields: Field[]): string {
  const cols = fields.map((f) => {
    const type = SQL_TYPES[f.kind](f);
    // The database numbers the rows: other writers (the demo, a test's own INSERTs) need not know the next key.
    if (f.sequence && (f.kind === 'int' || f.kind === 'bigint'))
      return `${quoteIdent(f.name)} ${type} GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY`;
    if (f.sequence) return `${quoteIdent(f.name)} ${type} PRIMARY KEY`;
    return `${quoteIdent(f.name)} ${type}${f.nullable ? '' : ' NOT NULL'}`;
  });
  if (!fields.some((f) => f.sequence)) cols.unshift('"id" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY');
  return `CREATE TABLE IF NOT EXISTS ${qualified} (${cols.join(', ')})`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
