import pg from 'pg';
import { UserError, describeCause } from '../../errors.js';
import type { Reporter } from '../../core/reporter.js';
import { generateRecord, type Field } from './fields.js';
import { Pacer, checkPace, type Pace } from './pace.js';
import { Random } from './random.js';
import { createTableSql, fieldsFromCatalog, fieldsFromSchemaFile, quoteIdent, type CatalogColumn } from './schemas.js';

export interface PostgresDatagenOptions extends Pace {
  /** Connection URL of the database (the dev stack's CDC role). */
  url: string;
  database: string;
  /** `schema.table` or `table` (public). */
  table: string;
  seed: number;
  /** An Avro or JSON schema to create the table from when it does not exist. */
  schemaFile?: string;
  reporter: Reporter;
}

export interface PostgresDatagenResult {
  target: 'postgres';
  database: string;
  table: string;
  created: boolean;
  createdFrom?: string;
  columns: string[];
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  seed: number;
}

export function splitTable(t: string): { schema: string; table: string } {
  const parts = t.split('.');
  if (parts.length > 2 || parts.some((p) => p.length === 0))
    throw new UserError('USAGE', `--table '${t}' is not schema.table or table.`, { exitCode: 2 });
  return parts.length === 2 ? { schema: parts[0]!, table: parts[1]! } : { schema: 'public', table: parts[0]! };
}

const CATALOG_SQL = `
SELECT c.column_name, c.data_type, c.udt_name, c.is_nullable, c.character_maximum_length, c.numeric_precision,
       c.numeric_scale, c.column_default, c.is_identity, c.is_generated,
       EXISTS (SELECT 1 FROM information_schema.table_constraints tc
               JOIN information_schema.key_column_usage k
                 ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema
               WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema
                 AND tc.table_name = c.table_name AND k.column_name = c.column_name) AS primary_key,
       (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE t.typname = c.udt_name) AS enum_labels
FROM information_schema.columns c
WHERE c.table_schema = $1 AND c.table_name = $2
ORDER BY c.ordinal_position`;

export async function readColumns(client: pg.Client, schema: string, table: string): Promise<CatalogColumn[]> {
  return (await client.query<CatalogColumn>(CATALOG_SQL, [schema, table])).rows.map((c) => ({
    ...c,
    // information_schema reports user-defined enums as USER-DEFINED; their labels make them generable.
    data_type: c.enum_labels ? 'enum' : c.data_type,
  }));
}

/** Inserts generated rows in multi-row INSERTs (one statement per batch, one transaction each). */
export async function datagenPostgres(o: PostgresDatagenOptions): Promise<PostgresDatagenResult> {
  checkPace(o);
  const { schema, table } = splitTable(o.table);
  const qualified = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const client = new pg.Client({ connectionString: o.url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new UserError(
      'DATAGEN_POSTGRES_UNREACHABLE',
      `Cannot connect to database ${o.database}: ${describeCause(e)}`,
      {
        hint: 'Is the dev stack up (`kcops dev status`)? The database must exist (`kcops dev up` creates kcops and kcops_sink).',
        cause: e,
      },
    );
  }
  try {
    let cols = await readColumns(client, schema, table);
    let created = false;
    if (cols.length === 0) {
      if (!o.schemaFile) {
        throw new UserError('DATAGEN_NO_TABLE', `Table ${schema}.${table} does not exist in database ${o.database}.`, {
          hint: `Create it, or pass --schema schemas/avro/<record>.avsc to create it from a schema (a schema in the repository's schemas/ whose record is named after the table is found by itself).`,
          exitCode: 2,
        });
      }
      const { fields } = fieldsFromSchemaFile(o.schemaFile);
      await client.query(createTableSql(qualified, fields));
      cols = await readColumns(client, schema, table);
      created = true;
    }
    const fields = fieldsFromCatalog(`${schema}.${table}`, cols);
    if (fields.length === 0) {
      throw new UserError(
        'DATAGEN_NOTHING_TO_FILL',
        `Every column of ${schema}.${table} has a default: nothing to generate.`,
        {
          exitCode: 2,
        },
      );
    }
    const seqStart = await sequenceStart(client, qualified, fields);
    const random = new Random(o.seed);
    // PostgreSQL binds at most 65535 parameters per statement.
    const batchSize = Math.max(1, Math.min(1000, Math.floor(60_000 / fields.length)));
    const pacer = new Pacer(o, batchSize);
    const step = o.reporter.step(`Inserting into ${schema}.${table}`);
    const names = fields.map((f) => quoteIdent(f.name)).join(', ');
    try {
      for (let n = await pacer.next(); n > 0; n = await pacer.next()) {
        const now = Date.now();
        const params: unknown[] = [];
        const tuples: string[] = [];
        for (let i = 0; i < n; i++) {
          const row = generateRecord(fields, random, seqStart + pacer.total + i, now);
          tuples.push(`(${fields.map((f) => `$${params.push(row[f.name])}`).join(', ')})`);
        }
        await client.query(`INSERT INTO ${qualified} (${names}) VALUES ${tuples.join(', ')}`, params);
        pacer.done(n);
        step.update(`${pacer.total}${o.count !== undefined ? `/${o.count}` : ''} rows`);
      }
    } catch (e) {
      step.fail();
      if (e instanceof UserError) throw e;
      throw new UserError('DATAGEN_INSERT_FAILED', `Inserting into ${schema}.${table} failed: ${describeCause(e)}`, {
        hint: 'A constraint the catalog does not describe (a CHECK, a foreign key)? Generate into a table without it.',
        cause: e,
      });
    }
    const seconds = pacer.elapsedMs() / 1000;
    step.done(`${pacer.total} rows into ${schema}.${table}`);
    return {
      target: 'postgres',
      database: o.database,
      table: `${schema}.${table}`,
      created,
      ...(created ? { createdFrom: o.schemaFile! } : {}),
      columns: fields.map((f) => f.name),
      rows: pacer.total,
      seconds: round(seconds),
      rowsPerSecond: seconds > 0 ? Math.round(pacer.total / seconds) : pacer.total,
      seed: o.seed,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Sequence fields continue after the largest existing key, so a second run adds rows instead of failing. */
async function sequenceStart(client: pg.Client, qualified: string, fields: Field[]): Promise<number> {
  const seq = fields.filter((f) => f.sequence && (f.kind === 'int' || f.kind === 'bigint' || f.kind === 'smallint'));
  let start = 1;
  for (const f of seq) {
    const r = await client.query<{ m: string | null }>(
      `SELECT max(${quoteIdent(f.name)})::text AS m FROM ${qualified}`,
    );
    start = Math.max(start, Number(r.rows[0]?.m ?? 0) + 1);
  }
  return start;
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
