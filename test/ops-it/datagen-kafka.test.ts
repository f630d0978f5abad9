/**
 * `kcops dev datagen kafka` on the real broker: JSON and Avro records produced as the team's service account (so the
 * broker's ACLs decide), read back with a Kafka client. The Avro schema is registered through the Confluent Schema
 * Registry API; until the dev stack runs a registry, a stand-in of the documented endpoint (POST
 * /subjects/{subject}/versions → {"id"}) answers, and the records' wire format is decoded with the id it gave.
 *
 * Needs a running dev stack: KCOPS_TEST_KAFKA_BOOTSTRAP, KCOPS_TEST_DEV_HOME.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avsc from 'avsc';
import { afterAll, describe, expect, it } from 'vitest';
import { readTopic, type ReadRecord } from '../../src/kafka/read.js';
import { parseConfluentFrame } from '../../src/dev/datagen/schema-registry.js';
import { runCli } from '../support/run-cli.js';

const bootstrap = process.env.KCOPS_TEST_KAFKA_BOOTSTRAP;
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const enabled = !!bootstrap && !!devHome;
const RUN = randomBytes(3).toString('hex');
const PREFIX = `payments-gen-${RUN}-`;
const orderAvsc = join(
  import.meta.dirname,
  '..',
  '..',
  'examples',
  'kafka-connect-configs',
  'schemas',
  'avro',
  'order.avsc',
);

describe.skipIf(!enabled)('dev datagen kafka as the team service account', () => {
  const env = { KCOPS_DEV_HOME: devHome ?? '' };
  const cli = (argv: string[]) => runCli(argv, { cwd: '/', env });
  const admin = () => {
    const c = JSON.parse(readFileSync(`${devHome}/credentials.json`, 'utf8')) as {
      kafka: { admin: { username: string; password: string } };
    };
    return { bootstrap: bootstrap!, mechanism: 'PLAIN' as const, ...c.kafka.admin };
  };
  const read = async (topic: string) => {
    const out: ReadRecord[] = [];
    await readTopic(admin(), topic, (r) => out.push(r));
    return out;
  };
  let registered: string[] = [];
  const registry = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      registered.push(`${req.method} ${req.url} ${body}`);
      res.setHeader('content-type', 'application/vnd.schemaregistry.v1+json');
      res.end(JSON.stringify({ id: 4242 }));
    });
  });

  afterAll(async () => {
    registry.close();
    if (enabled) await cli(['dev', 'clean', PREFIX, '--approve']);
  });

  it('JSON: deterministic with a seed, keyed by id, stamped for latency; the same seed twice gives the same values', async () => {
    const topic = `payments.gen.${RUN}.json`;
    const a = await cli(['dev', 'datagen', 'kafka', '--topic', topic, '--count', '50', '--seed', '9', '-o', 'json']);
    expect(a.code, a.out + a.err).toBe(0);
    expect(a.json).toMatchObject({ principal: 'sa-payments', records: 50, format: 'json', seed: 9 });
    const b = await cli(['dev', 'datagen', 'kafka', '--topic', topic, '--count', '50', '--seed', '9', '-o', 'json']);
    expect(b.code).toBe(0);
    const recs = await read(topic);
    expect(recs).toHaveLength(100);
    const values = recs.map((r) => JSON.parse(r.value!.toString()) as { id: number; item: string; amount: string });
    const strip = (v: { id: number; item: string; amount: string }) => ({ id: v.id, item: v.item, amount: v.amount });
    expect(values.slice(0, 50).map(strip)).toEqual(values.slice(50).map(strip));
    expect(recs[0]!.key!.toString()).toBe('1');
    expect(Number(recs[0]!.headers.get('kcops.datagen.ts')!.toString())).toBeGreaterThan(Date.now() - 600_000);
  });

  it('a topic outside the team prefix is refused by the broker for that account', async () => {
    const r = await cli([
      'dev',
      'datagen',
      'kafka',
      '--topic',
      `analytics.gen.${RUN}`,
      '--as',
      'sa-payments',
      '--count',
      '1',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out || r.err).error.code).toMatch(/KAFKA_TOPIC_DENIED|KAFKA_PRODUCE/);
  });

  it('Avro: registered under <topic>-value, Confluent wire format with that id, decodable with the schema', async () => {
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/apis/ccompat/v7`;
    registered = [];
    const topic = `payments.gen.${RUN}.avro`;
    const r = await cli([
      'dev',
      'datagen',
      'kafka',
      '--topic',
      topic,
      '--format',
      'avro',
      '--schema',
      orderAvsc,
      '--schema-registry-url',
      url,
      '--count',
      '20',
      '--seed',
      '3',
      '-o',
      'json',
    ]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.json).toMatchObject({ format: 'avro', schemaId: 4242, subject: `${topic}-value`, records: 20 });
    expect(registered[0]).toMatch(
      new RegExp(`^POST /apis/ccompat/v7/subjects/${topic.replace(/\./g, '\\.')}-value/versions `),
    );
    const type = avsc.Type.forSchema(JSON.parse(readFileSync(orderAvsc, 'utf8')));
    const recs = await read(topic);
    expect(recs).toHaveLength(20);
    for (const [i, rec] of recs.entries()) {
      const frame = parseConfluentFrame(rec.value!)!;
      expect(frame.schemaId).toBe(4242);
      const v = type.fromBuffer(frame.body) as { id: number; item: string; amount: string };
      expect(v.id).toBe(i + 1);
      expect(v.amount).toMatch(/^\d+\.\d{2}$/);
    }
  });
});
