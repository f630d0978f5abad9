import { command, type GroupSpec, type OptionSpec } from '../command-spec.js';

export const devDatagenGroup: GroupSpec = {
  path: ['dev', 'datagen'],
  summary: 'realistic, seeded test data into PostgreSQL tables, Kafka topics or the S3 bucket of the dev stack',
};

const home = {
  flags: '--home <dir>',
  description: 'dev stack home (default ~/.kcops/dev, or KCOPS_DEV_HOME)',
} as const satisfies OptionSpec;
const pace = [
  { flags: '--count <n>', description: 'how many rows/records', integer: true },
  { flags: '--rate <n>', description: 'at most this many per second (default: as fast as it goes)', integer: true },
  { flags: '--duration <d>', description: 'stop after this long, e.g. 30s or 5m (with --count: whichever ends first)' },
  {
    flags: '--seed <n>',
    description: 'random seed: the same seed gives the same data (default: random, printed)',
    integer: true,
  },
] as const satisfies readonly OptionSpec[];

const PACE_NOTE =
  "Values are plausible for each field's name and valid for its type (item, email, amount, status, created_at...).\n" +
  'Progress shows on a terminal only; -o json prints the summary (rows, seconds, rows per second, seed).';

export const devDatagenPostgresCommand = command({
  path: ['dev', 'datagen', 'postgres'],
  summary: 'insert generated rows into a table, typed from its own catalog columns',
  description:
    "Reads the table's columns from PostgreSQL's catalog and inserts rows in multi-row batches. Columns with a default\n" +
    '(serial, identity, now()) are left to the database; a primary key without one continues after the largest key.\n' +
    "A missing table is created from --schema, or from the schema in the repository's schemas/ named after it\n" +
    "(table orders ↔ schemas/avro/order.avsc). Connects as the dev stack's CDC role, as the example connectors do.\n" +
    PACE_NOTE,
  options: [
    home,
    { flags: '--table <schema.table>', description: 'target table (schema defaults to public)' },
    { flags: '--database <name>', description: 'database of the dev stack', default: 'kcops' },
    { flags: '--schema <file>', description: 'Avro (.avsc) or JSON schema to create a missing table from' },
    ...pace,
  ],
  examples: [
    { command: 'kcops dev datagen postgres --table public.orders --count 2000', description: '2,000 orders' },
    {
      command: 'kcops dev datagen postgres --table public.orders --rate 500 --duration 1m --seed 7 -o json',
      description: '500 rows a second for a minute, repeatable, summary as JSON',
    },
  ],
});

export const devDatagenKafkaCommand = command({
  path: ['dev', 'datagen', 'kafka'],
  summary: 'produce generated records to a topic as a team service account (ACLs apply)',
  description:
    'Produces as the service account of the team that owns the topic (payments.* → sa-payments), or --as: what a\n' +
    'connector of that team may do, kcops may do, and nothing more. JSON, or Avro in the Confluent wire format with\n' +
    "the schema registered under <topic>-value in a Schema Registry (Confluent API; Apicurio's ccompat works).\n" +
    'Each record carries a kcops.datagen.ts header (ms) that `dev verify` uses for latency. ' +
    PACE_NOTE,
  options: [
    home,
    { flags: '--topic <name>', description: 'target topic (created as the service account if missing)' },
    { flags: '--format <format>', description: 'record format', choices: ['json', 'avro'], default: 'json' },
    { flags: '--schema <file>', description: 'Avro (.avsc) or JSON schema of the records (default: orders)' },
    { flags: '--schema-registry-url <url>', description: 'Schema Registry for --format avro' },
    { flags: '--as <account>', description: "service account to produce as (default: the topic owner's)" },
    { flags: '--partitions <n>', description: 'partitions when the topic is created', integer: true },
    ...pace,
  ],
  examples: [
    { command: 'kcops dev datagen kafka --topic payments.orders --count 1000', description: '1,000 JSON orders' },
    {
      command:
        'kcops dev datagen kafka --topic payments.orders --format avro --schema schemas/avro/order.avsc --schema-registry-url http://127.0.0.1:28081/apis/ccompat/v7 --count 100',
      description: 'Avro records through a Schema Registry',
    },
  ],
});

export const devDatagenS3Command = command({
  path: ['dev', 'datagen', 's3'],
  summary: 'write generated records as JSON-lines objects into the dev bucket',
  options: [
    home,
    { flags: '--prefix <prefix>', description: 'object key prefix, e.g. payments/in/' },
    { flags: '--bucket <name>', description: "bucket (default: the dev stack's)" },
    { flags: '--per-object <n>', description: 'records per object', default: 100, integer: true },
    { flags: '--schema <file>', description: 'Avro (.avsc) or JSON schema of the records (default: orders)' },
    ...pace,
  ],
  examples: [
    { command: 'kcops dev datagen s3 --prefix payments/in/ --count 500', description: '5 objects of 100 orders' },
  ],
});

export const devVerifyCommand = command({
  path: ['dev', 'verify'],
  summary: 'check that every source row reached the topic and each sink; exit 1 when they disagree',
  description:
    "Counts the source table's rows, the topic's records and each sink's rows (JDBC) or records (S3 objects), key by\n" +
    'key, until they agree or --timeout passes. Reports the keys that disagree (all of them with -o json) and the\n' +
    "latency p50/p99 from the source's commit time (Debezium source.ts_ms) to the topic, and to S3 objects (1 s\n" +
    "resolution). Reads the connectors' configs from the dev stack; exit 0 when all agree, 1 when not.",
  args: [{ name: 'source', description: 'source connector (Debezium PostgreSQL)', required: true }],
  options: [
    home,
    { flags: '--sink <name...>', description: "sink connector reading the source's topic; repeatable" },
    { flags: '--timeout <d>', description: 'how long to wait for the counts to agree', default: '120s' },
    { flags: '--timestamp-field <name>', description: 'event time column instead of source.ts_ms' },
    { flags: '--show <n>', description: 'disagreeing keys listed in the human output', default: 20, integer: true },
  ],
  examples: [
    {
      command: 'kcops dev verify payments-orders-cdc --sink payments-orders-jdbc-sink',
      description: 'table → topic → sink table, key by key',
    },
    {
      command:
        'kcops dev verify payments-orders-cdc --sink payments-orders-jdbc-sink --sink payments-orders-s3-sink -o json',
      description: 'both sinks, every count as JSON (for CI)',
    },
  ],
});

export const devCleanCommand = command({
  path: ['dev', 'clean'],
  summary: 'find (and with --approve delete) test resources named with a prefix',
  description:
    'Connectors, topics, consumer groups, tables, replication slots and publications (databases kcops and\n' +
    'kcops_sink), and S3 objects whose names start with the prefix in any of its spellings (payments-e2e- also\n' +
    'matches payments.e2e., payments_e2e_ and payments/e2e/). A dry run unless --approve: a prefix is easy to get\n' +
    "wrong, and a shared dev stack holds other people's tests. Connectors go first (they hold slots and groups).",
  args: [{ name: 'prefix', description: 'name prefix of the test resources (at least 3 characters)', required: true }],
  options: [home, { flags: '--approve', description: 'delete what was found', default: false }],
  examples: [
    { command: 'kcops dev clean payments-e2e-', description: 'list what would be deleted' },
    { command: 'kcops dev clean payments-e2e- --approve -o json', description: 'delete it, report as JSON' },
  ],
});
