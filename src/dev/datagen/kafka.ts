import { readFileSync } from 'node:fs';
import { Admin, Producer } from '@platformatic/kafka';
import { UserError } from '../../errors.js';
import type { KafkaAccess } from '../../core/observe/lag.js';
import type { Reporter } from '../../core/reporter.js';
import { produceFailure } from '../../kafka/produce.js';
import { DEFAULT_FIELDS } from './default-fields.js';
import { generateRecord, type Field } from './fields.js';
import { Pacer, checkPace, type Pace } from './pace.js';
import { Random } from './random.js';
import { confluentFrame, registerSchema } from './schema-registry.js';
import { fieldsFromSchemaFile } from './schemas.js';
import { round } from './postgres.js';

/** The header every generated record carries: when it was made (ms), so `dev verify` can measure latency. */
export const DATAGEN_TS_HEADER = 'kcops.datagen.ts';

export interface KafkaDatagenOptions extends Pace {
  kafka: KafkaAccess;
  /** Which principal produced (the team's service account), for the summary. */
  principal: string;
  topic: string;
  format: 'json' | 'avro';
  schemaFile?: string;
  schemaRegistryUrl?: string;
  seed: number;
  partitions?: number;
  reporter: Reporter;
}

export interface KafkaDatagenResult {
  target: 'kafka';
  topic: string;
  principal: string;
  format: 'json' | 'avro';
  schemaId?: number;
  subject?: string;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  seed: number;
}

/** Avro needs avsc (slow to load): only imported for --format avro. */
async function avroEncoder(
  schemaFile: string,
): Promise<{ encode(v: Record<string, unknown>): Buffer; canonical: string }> {
  const avsc = (await import('avsc')).default;
  const type = avsc.Type.forSchema(JSON.parse(readFileSync(schemaFile, 'utf8')) as never);
  return { encode: (v) => type.toBuffer(v), canonical: JSON.stringify(type.schema()) };
}

/** Values as the Avro type wants them: logical types were generated as text for the JSON/SQL paths. */
function forAvro(fields: Field[], v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...v };
  for (const f of fields) {
    if (f.kind === 'timestamp' && typeof out[f.name] === 'string') out[f.name] = new Date(out[f.name] as string);
  }
  return out;
}

export async function datagenKafka(o: KafkaDatagenOptions): Promise<KafkaDatagenResult> {
  checkPace(o);
  if (o.format === 'avro' && !o.schemaFile)
    throw new UserError('USAGE', '--format avro needs --schema <file.avsc>.', { exitCode: 2 });
  if (o.format === 'avro' && !o.schemaRegistryUrl) {
    throw new UserError('DATAGEN_NO_SCHEMA_REGISTRY', 'Avro records need a Schema Registry, and none is known.', {
      hint: 'Pass --schema-registry-url (the dev stack reports its own in `kcops dev up -o json` when it has one).',
      exitCode: 2,
    });
  }
  const fields = o.schemaFile ? fieldsFromSchemaFile(o.schemaFile).fields : DEFAULT_FIELDS;
  let encode: (v: Record<string, unknown>) => Buffer = (v) => Buffer.from(JSON.stringify(v));
  let schemaId: number | undefined;
  const subject = `${o.topic}-value`;
  if (o.format === 'avro') {
    const enc = await avroEncoder(o.schemaFile!);
    schemaId = await registerSchema(o.schemaRegistryUrl!, subject, enc.canonical);
    encode = (v) => confluentFrame(schemaId!, enc.encode(forAvro(fields, v)));
  }
  const sasl = { mechanism: o.kafka.mechanism, username: o.kafka.username, password: o.kafka.password };
  await ensureTopic(o, sasl);
  const producer = new Producer({
    clientId: 'kcops-datagen',
    bootstrapBrokers: [o.kafka.bootstrap],
    sasl,
    idempotent: true,
    retries: 3,
    connectTimeout: 5000,
    timeout: 30_000,
    autocreateTopics: false,
  });
  const random = new Random(o.seed);
  const pacer = new Pacer(o, 500);
  const step = o.reporter.step(`Producing to ${o.topic} as ${o.principal}`);
  const target = { bootstrapServers: [o.kafka.bootstrap], sasl, topic: o.topic };
  try {
    for (let n = await pacer.next(); n > 0; n = await pacer.next()) {
      const now = Date.now();
      const messages = Array.from({ length: n }, (_, i) => {
        const v = generateRecord(fields, random, pacer.total + i + 1, now);
        const key = String(v.id ?? pacer.total + i + 1);
        return {
          topic: o.topic,
          key: Buffer.from(key),
          value: encode(v),
          headers: new Map([[Buffer.from(DATAGEN_TS_HEADER), Buffer.from(String(now))]]),
        };
      });
      await producer.send({ messages });
      pacer.done(n);
      step.update(`${pacer.total}${o.count !== undefined ? `/${o.count}` : ''} records`);
    }
  } catch (e) {
    step.fail();
    throw e instanceof UserError ? e : produceFailure(target, e);
  } finally {
    await Promise.race([producer.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
  const seconds = pacer.elapsedMs() / 1000;
  step.done(`${pacer.total} records to ${o.topic}`);
  return {
    target: 'kafka',
    topic: o.topic,
    principal: o.principal,
    format: o.format,
    ...(schemaId !== undefined ? { schemaId, subject } : {}),
    records: pacer.total,
    seconds: round(seconds),
    recordsPerSecond: seconds > 0 ? Math.round(pacer.total / seconds) : pacer.total,
    seed: o.seed,
  };
}

/** Creates the topic as the producing principal when it is missing (its ACLs decide whether it may). */
async function ensureTopic(
  o: KafkaDatagenOptions,
  sasl: { mechanism: KafkaAccess['mechanism']; username: string; password: string },
): Promise<void> {
  const admin = new Admin({
    clientId: 'kcops-datagen',
    bootstrapBrokers: [o.kafka.bootstrap],
    sasl,
    retries: 0,
    connectTimeout: 5000,
    timeout: 15_000,
  });
  try {
    const md = await admin.metadata({ topics: [o.topic] }).catch(() => undefined);
    if (md?.topics.has(o.topic)) return;
    await admin.createTopics({ topics: [o.topic], partitions: o.partitions ?? 1, replicas: 1 }).catch((e: unknown) => {
      if (/already exists/i.test(String((e as Error).message)) || JSON.stringify(e).includes('TOPIC_ALREADY_EXISTS'))
        return;
      throw produceFailure({ bootstrapServers: [o.kafka.bootstrap], sasl, topic: o.topic }, e);
    });
  } finally {
    await admin.close().catch(() => undefined);
  }
}
