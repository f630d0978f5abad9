import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { credentialsSchema } from '../../src/dev/credentials.js';
import { pgQuery, withCredentials } from '../../src/dev/postgres.js';
import { readState } from '../../src/dev/state.js';
import { waitFor } from '../../src/dev/wait.js';
import { stackFromEnv } from '../support/cli-repo.js';

/**
 * Issue 16 §4: a worker SIGKILLed in the middle of a CDC run (Debezium PostgreSQL source streaming 100,000 inserted
 * rows → topic → Debezium JDBC sink, upsert). After fail-over nothing is lost: every source row is in the sink table.
 * Duplicates in the topic are counted with a read_committed consumer: with KIP-618 exactly-once source support on
 * the workers (`kcops dev up --exactly-once-source`) there must be none; without it, they are counted and reported
 * (the source re-sends what it produced after its last offset commit). The worker killed is the one running the
 * source task; `kcops dev up` brings it back afterwards. Needs KCOPS_TEST_DEV_HOME besides the stack variables.
 */
const stack = stackFromEnv();
const home = process.env.KCOPS_TEST_DEV_HOME;
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'kcops.js');
const ROWS = Number(process.env.KCOPS_TEST_FAILOVER_ROWS) || 100_000;
const BATCH = 2_000;

const RUN = randomBytes(3).toString('hex');
const TABLE = `killcdc_${RUN}`;
const SINK_TABLE = `killcdc_${RUN}_sink`;
const TOPIC = `payments.public.${TABLE}`;
const SOURCE = `payments-killcdc-${RUN}`;
const SINK = `payments-killcdc-sink-${RUN}`;
const SLOT = `kcops_killcdc_${RUN}`;

describe.skipIf(!stack || !home)('a worker killed in the middle of a 100k-row CDC run', () => {
  const cluster = stack ? new SelfManagedCluster({ urls: stack.urls, auth: stack.creds.connect }) : undefined;
  const creds = home
    ? credentialsSchema.parse(JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')))
    : undefined;
  const state = home ? readState(join(home, 'state.json')) : undefined;
  const eos = state?.exactlyOnceSource === true;
  const secrets = (name: string) => join(home ?? '', 'secrets', `${name}.properties`);
  const ref = (name: string, key: string) => `\${file:${secrets(name)}:${key}}`;
  const runAs = {
    'producer.override.sasl.jaas.config': ref('kafka-sa-payments', 'sasl.jaas.config'),
    'consumer.override.sasl.jaas.config': ref('kafka-sa-payments', 'sasl.jaas.config'),
    'admin.override.sasl.jaas.config': ref('kafka-sa-payments', 'sasl.jaas.config'),
  };
  const cdcUrl = () => withCredentials(state!.postgres.url, creds!.postgres!.cdc);

  afterAll(async () => {
    // Bring the killed worker back whatever happened, so the suites after this one find two workers.
    await promisify(execFile)(process.execPath, [BIN, 'dev', 'up', '--home', home!, '-o', 'json'], {
      maxBuffer: 16 * 1024 * 1024,
    }).catch(() => undefined);
    for (const c of [SOURCE, SINK]) await cluster!.delete(c).catch(() => undefined);
    await waitFor(
      async () => {
        await pgQuery(
          cdcUrl(),
          'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
          [SLOT],
        );
        const left = await pgQuery(cdcUrl(), 'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [SLOT]);
        return left.length === 0 ? true : undefined;
      },
      { what: `replication slot ${SLOT} to be dropped`, timeoutMs: 60_000, intervalMs: 1000 },
    ).catch(() => undefined);
    await pgQuery(cdcUrl(), `DROP PUBLICATION IF EXISTS ${SLOT}`).catch(() => undefined);
    await pgQuery(cdcUrl(), `DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
    await pgQuery(cdcUrl(), `DROP TABLE IF EXISTS ${SINK_TABLE}`).catch(() => undefined);
  }, 300_000);

  it('loses nothing, and duplicates nothing when exactly-once source support is on', async () => {
    await pgQuery(
      cdcUrl(),
      `CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, item text NOT NULL, amount numeric(10,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    await cluster!.create(SOURCE, {
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
      // Streaming only: the rows are inserted after the connector runs, so the kill lands in the WAL stream.
      'snapshot.mode': 'no_data',
      'decimal.handling.mode': 'string',
      // The settings that reach ≥ 10,000 records/s here (docs/reference/tuning.md).
      'max.batch.size': '8192',
      'max.queue.size': '32768',
      'producer.override.linger.ms': '20',
      'producer.override.batch.size': '262144',
      'producer.override.compression.type': 'lz4',
      ...(eos
        ? {
            'exactly.once.support': 'required',
            // The task's transaction writes its offsets too: to a topic the team owns, not the workers' own.
            'offsets.storage.topic': `payments.killcdc-${RUN}.offsets`,
          }
        : {}),
      ...runAs,
    });
    await waitRunningTasks(SOURCE);
    await cluster!.create(SINK, {
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
      'tasks.max': '1',
      topics: TOPIC,
      'connection.url': `jdbc:postgresql://${'${file:' + secrets('postgres') + ':hostname}'}:${'${file:' + secrets('postgres') + ':port}'}/${'${file:' + secrets('postgres') + ':dbname}'}`,
      'connection.username': ref('postgres', 'username'),
      'connection.password': ref('postgres', 'password'),
      'insert.mode': 'upsert',
      'primary.key.mode': 'record_key',
      'schema.evolution': 'basic',
      'collection.name.format': SINK_TABLE,
      'batch.size': '2000',
      'consumer.override.max.poll.records': '2000',
      'consumer.override.isolation.level': 'read_committed',
      ...runAs,
    });
    await waitRunningTasks(SINK);

    // Insert in transactions of BATCH rows; kill the source's worker once a third of them is in the topic.
    const inserting = (async () => {
      for (let from = 1; from <= ROWS; from += BATCH) {
        const to = Math.min(ROWS, from + BATCH - 1);
        await pgQuery(
          cdcUrl(),
          `INSERT INTO ${TABLE} (id, item, amount) SELECT g, 'item-' || g, (g % 1000) / 10.0 FROM generate_series($1::bigint, $2::bigint) g`,
          [from, to],
        );
      }
    })();
    const status = await cluster!.status(SOURCE);
    const taskWorker = status?.tasks[0]?.workerId ?? '';
    const port = Number(taskWorker.split(':').pop());
    const victim = (['worker-1', 'worker-2'] as const).find((w) => state?.processes[w]?.ports[0] === port);
    expect(victim, `no worker of ${home} listens on ${port}`).toBeDefined();
    const pid = readState(join(home!, 'state.json'))?.processes[victim!]?.pid;
    const admin = creds!.kafka.admin;
    await waitFor(async () => ((await topicEnd(TOPIC)) >= ROWS / 3 ? true : undefined), {
      what: `a third of ${ROWS} change events on ${TOPIC}`,
      timeoutMs: 120_000,
      intervalMs: 200,
    });
    const killedAtOffset = await topicEnd(TOPIC);
    process.kill(pid!, 'SIGKILL');
    const killedAt = Date.now();
    await inserting;

    // Every row reaches the sink table once the tasks have moved to the surviving worker.
    const sinkRows = await waitFor(
      async () => {
        const r = await pgQuery(cdcUrl(), `SELECT count(*)::int AS n FROM ${SINK_TABLE}`).catch(() => []);
        const n = (r[0] as { n?: number } | undefined)?.n ?? 0;
        return n >= ROWS ? n : undefined;
      },
      { what: `${ROWS} rows in ${SINK_TABLE}`, timeoutMs: 240_000, intervalMs: 2000 },
    );
    const recoveredInMs = Date.now() - killedAt;
    expect(sinkRows).toBe(ROWS);
    const missing = await pgQuery(
      cdcUrl(),
      `SELECT count(*)::int AS n FROM ${TABLE} s WHERE NOT EXISTS (SELECT 1 FROM ${SINK_TABLE} k WHERE k.id = s.id)`,
    );
    expect((missing[0] as { n: number }).n).toBe(0);

    // Read the topic back as a read_committed consumer and count the change events per key.
    const seen = await readCommitted(TOPIC, ROWS);
    const perKey = new Map<string, number>();
    for (const k of seen) perKey.set(k, (perKey.get(k) ?? 0) + 1);
    const duplicates = seen.length - perKey.size;
    expect(perKey.size).toBe(ROWS);
    process.stderr.write(
      `[cdc-failover] exactly-once source ${eos ? 'on' : 'off'}: killed ${victim} at offset ${killedAtOffset}/${ROWS}; ` +
        `${seen.length} committed events for ${perKey.size} keys, ${duplicates} duplicates; sink complete ${(recoveredInMs / 1000).toFixed(1)} s after the kill\n`,
    );
    if (eos) expect(duplicates).toBe(0);
    else expect(duplicates).toBeGreaterThanOrEqual(0);

    async function topicEnd(topic: string): Promise<number> {
      const { saslAdmin } = await import('../../src/kafka/admin.js');
      const a = saslAdmin(stack!.bootstrap, admin, 'kcops-it-failover');
      try {
        const offsets = await a.listOffsets({
          topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
        });
        return Number(offsets[0]?.partitions[0]?.offset ?? 0);
      } catch {
        return 0;
      } finally {
        await a.close().catch(() => undefined);
      }
    }
    // Inserting, fail-over (10 s before the tasks move) and draining 100k events take minutes on a loaded 2-core box.
  }, 600_000);

  async function waitRunningTasks(name: string): Promise<void> {
    await waitFor(
      async () => {
        const st = await cluster!.status(name);
        const failed = st?.tasks.find((t) => t.state === 'FAILED');
        if (failed)
          throw Object.assign(new Error(`${name} task FAILED: ${failed.trace?.slice(0, 600)}`), { fatal: true });
        return st?.state === 'RUNNING' && st.tasks.length > 0 && st.tasks.every((t) => t.state === 'RUNNING')
          ? true
          : undefined;
      },
      { what: `${name} RUNNING`, timeoutMs: 90_000, intervalMs: 1000 },
    );
  }

  /** Every committed record's key on the topic (read_committed: aborted transactions are skipped). */
  async function readCommitted(topic: string, atLeast: number): Promise<string[]> {
    const sa = creds!.kafka.serviceAccounts['sa-payments']!;
    const consumer = new Consumer({
      groupId: `connect-payments-killcdc-reader-${RUN}`,
      clientId: 'kcops-it-failover',
      bootstrapBrokers: [stack!.bootstrap],
      sasl: { mechanism: 'PLAIN', username: sa.username, password: sa.password },
      deserializers: stringDeserializers,
      isolationLevel: 1,
    });
    const keys: string[] = [];
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 500 });
      let lastAt = Date.now();
      const done = new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          // Enough keys read and nothing new for 5 s: the topic is drained.
          if (keys.length >= atLeast && Date.now() - lastAt > 5000) {
            clearInterval(timer);
            resolve();
          }
        }, 500);
      });
      const reading = (async () => {
        for await (const m of stream) {
          if (m.key) keys.push(m.key);
          lastAt = Date.now();
        }
      })();
      await Promise.race([done, new Promise((r) => setTimeout(r, 180_000))]);
      await stream.close();
      await reading.catch(() => undefined);
    } finally {
      await Promise.resolve(consumer.close(true)).catch(() => undefined);
    }
    return keys;
  }
});
