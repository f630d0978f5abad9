/**
 * `kcops connect dlq` on the real stack: a sink with errors.tolerance=all and a dead letter queue receives poison
 * records — bad JSON, and JSON without the schema envelope its converter requires (a schema mismatch) — produced as
 * the team's service account. The command finds the DLQ from the config, counts it, shows the first records with
 * Connect's error context headers, and masks a credential a record carries. `dev clean` then removes every resource
 * of the test by its prefix.
 *
 * Needs a running dev stack: KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_KAFKA_BOOTSTRAP, KCOPS_TEST_DEV_HOME.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { httpJson } from '../../src/connect/http.js';
import { waitFor } from '../../src/dev/wait.js';
import { produceRecords } from '../../src/kafka/produce.js';
import { runCli } from '../support/run-cli.js';

const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const bootstrap = process.env.KCOPS_TEST_KAFKA_BOOTSTRAP;
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const enabled = urls.length > 0 && !!bootstrap && !!devHome;

const RUN = randomBytes(3).toString('hex');
const PREFIX = `payments-dlq-${RUN}-`;
const SINK = `${PREFIX}sink`;
const IN = `payments.dlq.${RUN}.in`;
const DEAD = `payments.dlq.${RUN}.dead`;
const SECRET = `hunter2-${RUN}-secretvalue`;

describe.skipIf(!enabled)('connect dlq: poison records in a sink with a dead letter queue', () => {
  const env = { KCOPS_DEV_HOME: devHome ?? '' };
  const cli = (argv: string[]) => runCli(argv, { cwd: '/', env });
  const creds = enabled
    ? (JSON.parse(readFileSync(`${devHome}/credentials.json`, 'utf8')) as {
        connect: { username: string; password: string };
        kafka: { serviceAccounts: Record<string, { username: string; password: string }> };
      })
    : undefined;

  afterAll(async () => {
    if (!enabled) return;
    const r = await cli(['dev', 'clean', PREFIX, '--approve', '-o', 'json']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.json.found.connectors).toEqual([SINK]);
    expect(r.json.found.topics).toEqual(expect.arrayContaining([IN, DEAD]));
  });

  it('shows the count, the first records and their error context, with credentials masked', async () => {
    // Well-formed JSON records without the {schema, payload} envelope: a schema mismatch for this converter.
    const gen = await cli(['dev', 'datagen', 'kafka', '--topic', IN, '--count', '3', '--seed', '1', '-o', 'json']);
    expect(gen.code, gen.out + gen.err).toBe(0);
    expect(gen.json).toMatchObject({ principal: 'sa-payments', records: 3, topic: IN });
    const sa = creds!.kafka.serviceAccounts['sa-payments']!;
    await produceRecords({ bootstrapServers: [bootstrap!], sasl: { mechanism: 'PLAIN', ...sa }, topic: IN }, [
      { key: 'bad-1', value: '{"id": 1, "item": "coffee"', headers: {} },
      { key: 'bad-2', value: `{"password=${SECRET}"`, headers: {} },
    ]);
    const jaas = '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}';
    const put = await httpJson(`${urls[0]}/connectors/${SINK}/config`, {
      method: 'PUT',
      auth: creds!.connect,
      timeoutMs: 30_000,
      body: {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'tasks.max': '1',
        topics: IN,
        file: `/tmp/kcops-dlq-${RUN}.txt`,
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'true',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': DEAD,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
        'consumer.override.sasl.jaas.config': jaas,
        'producer.override.sasl.jaas.config': jaas,
        'admin.override.sasl.jaas.config': jaas,
      },
    });
    expect([200, 201]).toContain(put.status);

    const r = await waitFor(
      async () => {
        const x = await cli(['connect', 'dlq', SINK, '-o', 'json']);
        return x.code === 0 && x.json.count >= 5 ? x : undefined;
      },
      { what: `5 records in ${DEAD}`, timeoutMs: 120_000, intervalMs: 2000 },
    );
    expect(r.json).toMatchObject({ connector: SINK, topic: DEAD, count: 5, contextHeaders: true });
    expect(r.json.records).toHaveLength(5);
    for (const rec of r.json.records) {
      expect(rec.errors).toMatchObject({ topic: IN, stage: 'VALUE_CONVERTER', 'connector.name': SINK });
      expect(rec.errors['exception.class.name']).toBe('org.apache.kafka.connect.errors.DataException');
    }
    const messages = r.json.records.map((x: { errors: Record<string, string> }) => x.errors['exception.message']);
    expect(messages.some((m: string) => /schema/i.test(m))).toBe(true); // the envelope is missing
    expect(messages.some((m: string) => /deserializ|JSON|parse/i.test(m))).toBe(true); // not JSON at all
    expect(r.json.byException['org.apache.kafka.connect.errors.DataException']).toBe(5);

    const human = await cli(['connect', 'dlq', SINK, '--limit', '2']);
    expect(human.code).toBe(0);
    expect(human.out).toContain(`DLQ ${DEAD}`);
    expect(human.out).toContain('5 records');
    expect(human.out).toContain('stage  VALUE_CONVERTER');
    expect(human.out).toContain('… 3 more (--limit)');
    for (const out of [r.out, human.out]) expect(out).not.toContain(SECRET);
  });

  it('says where the DLQ is missing', async () => {
    const r = await cli(['connect', 'dlq', `${PREFIX}absent`, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out || r.err).error.code).toBe('CONNECTOR_NOT_FOUND');
  });
});
