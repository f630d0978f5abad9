import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { credentialsSchema } from '../../src/dev/credentials.js';
import { pgQuery, withCredentials } from '../../src/dev/postgres.js';
import { readState } from '../../src/dev/state.js';
import { waitFor } from '../../src/dev/wait.js';
import { stackFromEnv } from '../support/cli-repo.js';

/**
 * Issue 16 §4: one connector's failure stays its own. Three Debezium JDBC sinks read one topic fed at a steady rate;
 * the database of one of them is dropped under it. That sink goes FAILED; the other two keep delivering the offered
 * load, within 20% of their rate before (rows per second landed in their tables, measured over the same window).
 * Needs KCOPS_TEST_DEV_HOME besides the stack variables (for the PostgreSQL administrator, to create and drop the
 * victim's database).
 */
const stack = stackFromEnv();
const home = process.env.KCOPS_TEST_DEV_HOME;
const RATE = Number(process.env.KCOPS_TEST_ISOLATION_RATE) || 1000; // records per second offered
const WINDOW_MS = 20_000;

const RUN = randomBytes(3).toString('hex');
const TOPIC = `payments.isolation-${RUN}`;
const VICTIM_DB = `kcops_iso_${RUN}`;
const HEALTHY = [`payments-iso-a-${RUN}`, `payments-iso-b-${RUN}`];
const VICTIM = `payments-iso-victim-${RUN}`;
const table = (name: string) => name.replace(/-/g, '_');

describe.skipIf(!stack || !home)("one sink's database disappears", () => {
  const cluster = stack ? new SelfManagedCluster({ urls: stack.urls, auth: stack.creds.connect }) : undefined;
  const creds = home
    ? credentialsSchema.parse(JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')))
    : undefined;
  const state = home ? readState(join(home, 'state.json')) : undefined;
  const secrets = (name: string) => join(home ?? '', 'secrets', `${name}.properties`);
  const ref = (name: string, key: string) => `\${file:${secrets(name)}:${key}}`;
  const cdcUrl = () => withCredentials(state!.postgres.url, creds!.postgres!.cdc);
  // External PostgreSQL: the URL `dev up` was given (CI trusts local connections); embedded: the generated admin.
  const adminUrl = () =>
    state!.postgres.mode === 'external' && state!.postgres.adminUrl
      ? state!.postgres.adminUrl
      : withCredentials(`postgres://127.0.0.1:${state!.ports.postgres}/postgres`, creds!.postgres!.admin);
  const sa = () => creds!.kafka.serviceAccounts['sa-payments']!;
  let producing = true;

  afterAll(async () => {
    producing = false;
    for (const c of [...HEALTHY, VICTIM]) await cluster!.delete(c).catch(() => undefined);
    for (const c of HEALTHY) await pgQuery(cdcUrl(), `DROP TABLE IF EXISTS ${table(c)}`).catch(() => undefined);
    await pgQuery(adminUrl(), `DROP DATABASE IF EXISTS ${VICTIM_DB} WITH (FORCE)`).catch(() => undefined);
  }, 120_000);

  it('fails that sink alone; the others keep their throughput within 20%', async () => {
    await pgQuery(adminUrl(), `CREATE DATABASE ${VICTIM_DB} OWNER ${creds!.postgres!.cdc.username}`);

    // A steady offered load: RATE records per second, JSON with schemas (the JDBC sink needs a schema).
    const producer = new Producer({
      clientId: 'kcops-it-isolation',
      bootstrapBrokers: [stack!.bootstrap],
      sasl: { mechanism: 'PLAIN', username: sa().username, password: sa().password },
      serializers: stringSerializers,
      autocreateTopics: true,
    });
    const keySchema = { type: 'struct', optional: false, fields: [{ field: 'id', type: 'int64', optional: false }] };
    const valueSchema = {
      type: 'struct',
      optional: false,
      name: 'payments.isolation.Order',
      fields: [
        { field: 'id', type: 'int64', optional: false },
        { field: 'item', type: 'string', optional: false },
        { field: 'amount', type: 'double', optional: false },
      ],
    };
    let next = 1;
    const feeding = (async () => {
      const tick = 100;
      const perTick = Math.max(1, Math.round((RATE * tick) / 1000));
      let due = Date.now();
      while (producing) {
        const messages = Array.from({ length: perTick }, () => {
          const id = next++;
          return {
            topic: TOPIC,
            key: JSON.stringify({ schema: keySchema, payload: { id } }),
            value: JSON.stringify({
              schema: valueSchema,
              payload: { id, item: `item-${id}`, amount: (id % 1000) / 10 },
            }),
          };
        });
        await producer.send({ messages });
        due += tick;
        await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      }
    })();
    feeding.catch(() => undefined);

    const sinkConfig = (name: string, dbname: string) => ({
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
      'tasks.max': '1',
      topics: TOPIC,
      'connection.url': `jdbc:postgresql://${ref('postgres', 'hostname')}:${ref('postgres', 'port')}/${dbname}`,
      'connection.username': ref('postgres', 'username'),
      'connection.password': ref('postgres', 'password'),
      'insert.mode': 'upsert',
      'primary.key.mode': 'record_key',
      'schema.evolution': 'basic',
      'collection.name.format': table(name),
      'consumer.override.sasl.jaas.config': ref('kafka-sa-payments', 'sasl.jaas.config'),
      'admin.override.sasl.jaas.config': ref('kafka-sa-payments', 'sasl.jaas.config'),
    });
    try {
      for (const c of HEALTHY) await cluster!.create(c, sinkConfig(c, ref('postgres', 'dbname')));
      await cluster!.create(VICTIM, sinkConfig(VICTIM, VICTIM_DB));
      for (const c of [...HEALTHY, VICTIM]) await waitState(c, 'RUNNING');
      // Let every sink catch up with the feed before measuring.
      await waitFor(
        async () => {
          const counts = await Promise.all(HEALTHY.map((c) => rows(c)));
          return counts.every((n) => n >= next - 1 - RATE * 2) ? true : undefined;
        },
        { what: 'the healthy sinks to catch up with the feed', timeoutMs: 120_000, intervalMs: 1000 },
      );
      const before = await rates(HEALTHY);

      await pgQuery(adminUrl(), `DROP DATABASE ${VICTIM_DB} WITH (FORCE)`);
      const droppedAt = Date.now();
      await waitState(VICTIM, 'FAILED', 180_000);
      const failedInMs = Date.now() - droppedAt;
      const after = await rates(HEALTHY);

      process.stderr.write(
        `[sink-isolation] offered ${RATE}/s; victim FAILED ${(failedInMs / 1000).toFixed(1)} s after its database was dropped; ` +
          HEALTHY.map((c, i) => `${c}: ${before[i]!.toFixed(0)}/s before, ${after[i]!.toFixed(0)}/s after`).join('; ') +
          '\n',
      );
      for (const [i, c] of HEALTHY.entries()) {
        expect(
          (await cluster!.status(c))?.tasks.every((t) => t.state === 'RUNNING'),
          c,
        ).toBe(true);
        expect(after[i]!, `${c} rows/s after vs before`).toBeGreaterThanOrEqual(before[i]! * 0.8);
      }
      const victim = await cluster!.status(VICTIM);
      expect(victim?.tasks[0]?.trace ?? '').toMatch(/database|connection|JDBC|SQL/i);
    } finally {
      producing = false;
      await feeding.catch(() => undefined);
      await producer.close().catch(() => undefined);
    }
  }, 400_000);

  async function rows(name: string): Promise<number> {
    const r = await pgQuery(cdcUrl(), `SELECT count(*)::int AS n FROM ${table(name)}`).catch(() => []);
    return (r[0] as { n?: number } | undefined)?.n ?? 0;
  }

  /** Rows per second each connector lands over one window. */
  async function rates(names: string[]): Promise<number[]> {
    const t0 = Date.now();
    const start = await Promise.all(names.map((c) => rows(c)));
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const end = await Promise.all(names.map((c) => rows(c)));
    const secs = (Date.now() - t0) / 1000;
    return names.map((_, i) => (end[i]! - start[i]!) / secs);
  }

  async function waitState(name: string, want: 'RUNNING' | 'FAILED', timeoutMs = 90_000): Promise<void> {
    await waitFor(
      async () => {
        const st = await cluster!.status(name);
        const tasks = st?.tasks ?? [];
        if (want === 'RUNNING') {
          const failed = tasks.find((t) => t.state === 'FAILED');
          if (failed)
            throw Object.assign(new Error(`${name} task FAILED: ${failed.trace?.slice(0, 600)}`), { fatal: true });
        }
        return tasks.length > 0 && tasks.every((t) => t.state === want) ? true : undefined;
      },
      { what: `${name} ${want}`, timeoutMs, intervalMs: 1000 },
    );
  }
});
