// Issue 16 §3: the data plane on the dev stack. BENCH_ROWS rows (default 1,000,000) inserted into PostgreSQL →
// Debezium PostgreSQL source (streaming) → one topic (2 partitions) → the Debezium JDBC sink (upsert, 2 tasks) and the
// S3 sink (Camel aws2-s3, records aggregated into objects of 1,000). Prints per connector: records/s in steady state
// (10%..90% of the run, so start-up is left out), the JDBC path's end-to-end latency p50/p99 (row's insert time →
// landed in the sink table), CPU and peak RSS of each process of the stack, and the load average beside them.
// The connectors use the settings of docs/reference/tuning.md. Needs a running dev stack (KCOPS_DEV_HOME);
// run it with `nice -n 10`. Usage: node bench/run.js dataplane/pipeline
import { randomBytes } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import {
  createConnector,
  dataplaneStack,
  fmtLoad,
  fmtProcs,
  processSampler,
  sleep,
  sql,
  steadyRate,
  taskCounters,
  waitRunning,
} from './lib.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const INSERT_BATCH = 20_000;
const S3_AGGREGATE = 1000;
const SINK_TASKS = Number(process.env.BENCH_SINK_TASKS ?? 2);
const st = dataplaneStack();
const { rest, ref, runAs, cdcUrl, state, creds } = st;
const RUN = randomBytes(3).toString('hex');
const TABLE = `bench_orders_${RUN}`;
const SINK_TABLE = `bench_orders_${RUN}_sink`;
const TOPIC = `payments.public.${TABLE}`;
const SLOT = `kcops_bench_${RUN}`;
const SOURCE = `payments-bench-cdc-${RUN}`;
const JDBC = `payments-bench-jdbc-${RUN}`;
const S3 = `payments-bench-s3-${RUN}`;
// On workers with exactly-once source support (`dev up --exactly-once-source`) a source connector's offsets must live
// in a topic its team owns: the workers' own offsets topic is not readable by a team's service account.
const EOS = state.exactlyOnceSource === true;
const OFFSETS_TOPIC = `payments.bench-${RUN}.offsets`;

async function cleanup() {
  for (const c of [SOURCE, JDBC, S3]) await rest('DELETE', `/connectors/${c}`).catch(() => undefined);
  for (let i = 0; i < 30; i++) {
    const left = await sql(
      cdcUrl,
      'SELECT pg_drop_replication_slot(slot_name), 1 FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
      [SLOT],
    ).catch(() => []);
    const still = await sql(cdcUrl, 'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [SLOT]).catch(() => []);
    if (left.length || still.length === 0) break;
    await sleep(1000);
  }
  await sql(cdcUrl, `DROP PUBLICATION IF EXISTS ${SLOT}`).catch(() => undefined);
  await sql(cdcUrl, `DROP TABLE IF EXISTS ${TABLE}, ${SINK_TABLE}`).catch(() => undefined);
  const admin = kafkaAdmin();
  await admin.deleteTopics({ topics: EOS ? [TOPIC, OFFSETS_TOPIC] : [TOPIC] }).catch(() => undefined);
  await admin.close().catch(() => undefined);
}

function kafkaAdmin() {
  const a = creds.kafka.admin;
  return new Admin({
    clientId: 'kcops-bench',
    bootstrapBrokers: [st.bootstrap],
    sasl: { mechanism: 'PLAIN', username: a.username, password: a.password },
  });
}

// An interrupted run still removes its connectors, slot, tables and topics.
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => cleanup().finally(() => process.exit(130)));

try {
  await sql(
    cdcUrl,
    `CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, item text NOT NULL, amount numeric(10,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  // The sink table exists beforehand so that it can stamp each row's arrival (the sink writes only its columns).
  await sql(
    cdcUrl,
    `CREATE TABLE ${SINK_TABLE} (id bigint PRIMARY KEY, item text, amount text, created_at timestamptz, landed_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  const admin = kafkaAdmin();
  await admin.createTopics({ topics: [TOPIC], partitions: 2, replicas: 1 });
  await admin.close();

  await createConnector(rest, SOURCE, {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': ref('postgres', 'hostname'),
    'database.port': ref('postgres', 'port'),
    'database.user': ref('postgres', 'username'),
    'database.password': ref('postgres', 'password'),
    'database.dbname': ref('postgres', 'dbname'),
    'topic.prefix': 'payments',
    'table.include.list': `public.${TABLE}`,
    'plugin.name': 'pgoutput',
    'slot.name': SLOT,
    'publication.name': SLOT,
    'publication.autocreate.mode': 'filtered',
    'snapshot.mode': 'no_data',
    'decimal.handling.mode': 'string',
    'max.batch.size': '8192',
    'max.queue.size': '32768',
    'producer.override.linger.ms': '20',
    'producer.override.batch.size': '262144',
    'producer.override.compression.type': 'lz4',
    ...(EOS ? { 'offsets.storage.topic': OFFSETS_TOPIC } : {}),
    ...runAs(),
  });
  await waitRunning(rest, SOURCE);
  await createConnector(rest, JDBC, {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    'tasks.max': String(SINK_TASKS),
    topics: TOPIC,
    'connection.url': `jdbc:postgresql://${ref('postgres', 'hostname')}:${ref('postgres', 'port')}/${ref('postgres', 'dbname')}`,
    'connection.username': ref('postgres', 'username'),
    'connection.password': ref('postgres', 'password'),
    'insert.mode': 'upsert',
    'primary.key.mode': 'record_key',
    'schema.evolution': 'basic',
    'collection.name.format': SINK_TABLE,
    'batch.size': '500',
    'consumer.override.max.poll.records': '500',
    ...runAs(),
  });
  await createConnector(rest, S3, {
    'connector.class': 'org.apache.camel.kafkaconnector.CamelSinkConnector',
    'tasks.max': String(SINK_TASKS),
    topics: TOPIC,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'camel.sink.url':
      `aws2-s3://${state.bucket ?? 'kcops-dev'}?overrideEndpoint=true&uriEndpointOverride=http://127.0.0.1:${state.ports.s3}` +
      `&region=us-east-1&autoCreateBucket=false&keyName=bench/${RUN}/\${exchangeId}.json`,
    'camel.component.aws2-s3.accessKey': ref('s3', 'access.key.id'),
    'camel.component.aws2-s3.secretKey': ref('s3', 'secret.access.key'),
    'camel.beans.aggregate': '#class:org.apache.camel.kafkaconnector.aggregator.StringAggregator',
    'camel.aggregation.size': String(S3_AGGREGATE),
    'camel.aggregation.timeout': '2000',
    'consumer.override.max.poll.records': '2000',
    ...runAs(),
  });
  await waitRunning(rest, JDBC);
  await waitRunning(rest, S3);

  const procs = processSampler(state);
  const samples = { [SOURCE]: [], [JDBC]: [], [S3]: [] };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const c = await taskCounters(st.metricsUrls).catch(() => undefined);
      const t = Date.now();
      if (c) for (const name of Object.keys(samples)) samples[name].push({ t, n: c.get(name) ?? 0 });
      await sleep(1000);
    }
  })();

  const t0 = Date.now();
  for (let from = 1; from <= ROWS; from += INSERT_BATCH) {
    await sql(
      cdcUrl,
      `INSERT INTO ${TABLE} (id, item, amount) SELECT g, 'item-' || g, (g % 1000) / 10.0 FROM generate_series($1::bigint, $2::bigint) g`,
      [from, Math.min(ROWS, from + INSERT_BATCH - 1)],
    );
  }
  const insertSecs = (Date.now() - t0) / 1000;
  const deadline = Date.now() + Number(process.env.BENCH_TIMEOUT_S ?? 1800) * 1000;
  while (Date.now() < deadline) {
    const last = Object.values(samples).map((s) => s.at(-1)?.n ?? 0);
    if (last.every((n) => n >= ROWS)) break;
    await sleep(1000);
  }
  sampling = false;
  await sampler;
  const p = procs.stop();

  const lat = await sql(
    cdcUrl,
    `SELECT count(*)::int AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM landed_at - created_at)) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM landed_at - created_at)) AS p99
       FROM ${SINK_TABLE}`,
  );
  console.log(
    `${ROWS.toLocaleString('en')} rows inserted in ${insertSecs.toFixed(1)} s (${Math.round(ROWS / insertSecs)} rows/s), ` +
      `topic ${TOPIC} with 2 partitions; exactly-once source support ${EOS ? 'ON' : 'off'}; ${fmtLoad(p)}`,
  );
  for (const [name, label] of [
    [SOURCE, 'Debezium PostgreSQL source (1 task)'],
    [JDBC, `Debezium JDBC sink, upsert (${SINK_TASKS} tasks)`],
    [S3, `S3 sink, Camel aws2-s3, ${S3_AGGREGATE} records/object (${SINK_TASKS} tasks)`],
  ]) {
    const s = samples[name];
    const rate = steadyRate(s, ROWS);
    const done = s.at(-1)?.n ?? 0;
    console.log(
      `${label.padEnd(58)} ${rate === null ? '   n/a' : Math.round(rate).toString().padStart(6)} records/s steady` +
        (done < ROWS ? `  (only ${done}/${ROWS} within the time limit)` : ''),
    );
  }
  const l = lat[0];
  console.log(
    `end-to-end latency, PostgreSQL insert → JDBC sink row (${l.n} rows, at full load): p50 ${Number(l.p50).toFixed(2)} s, p99 ${Number(l.p99).toFixed(2)} s`,
  );
  console.log(`processes over ${p.secs.toFixed(0)} s (CPU in % of one core): ${fmtProcs(p)}`);
} finally {
  await cleanup();
}
