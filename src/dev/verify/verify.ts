import pg from 'pg';
import { UserError, describeCause } from '../../errors.js';
import type { Reporter } from '../../core/reporter.js';
import { readTopic, type Positions } from '../../kafka/read.js';
import { DATAGEN_TS_HEADER } from '../datagen/kafka.js';
import { quoteIdent } from '../datagen/schemas.js';
import { DevS3 } from '../s3.js';
import type { StackAccess } from '../stack.js';
import {
  compareStages,
  isChangeEvent,
  keyText,
  latencyOf,
  newStage,
  unwrapEnvelope,
  type KeyMismatch,
  type Latency,
  type StageKeys,
} from './compare.js';
import { planSink, planSource, type SinkPlan, type SourcePlan } from './flow.js';

export interface VerifyOptions {
  source: string;
  sinks: string[];
  /** Connector name → its config as stored on the cluster (undefined: no such connector). */
  connectorConfig(name: string): Promise<Record<string, string> | undefined>;
  stack: StackAccess;
  timeoutMs: number;
  intervalMs?: number;
  /** A column (or field of the record) holding the event time; default: Debezium's source.ts_ms or datagen's header. */
  timestampField?: string;
  reporter: Reporter;
}

export interface VerifyResult {
  ok: boolean;
  source: { connector: string; database: string; table: string; rows: number };
  topic: { name: string; records: number; keys: number; deletes: number };
  sinks: { connector: string; kind: 'jdbc' | 's3'; target: string; records: number; keys: number }[];
  latency: { topic?: Latency; sinks: Record<string, Latency>; from: string };
  mismatches: { total: number; keys: KeyMismatch[] };
  waitedMs: number;
  rounds: number;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function primaryKey(url: string, schema: string, table: string): Promise<string[] | undefined> {
  const rows = await query<{ column_name: string; exists: boolean }>(
    url,
    `SELECT a.attname AS column_name FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = to_regclass($1) AND i.indisprimary
      ORDER BY array_position(i.indkey, a.attnum)`,
    [`${quoteIdent(schema)}.${quoteIdent(table)}`],
  );
  return rows.length ? rows.map((r) => r.column_name) : undefined;
}

async function tableKeys(
  url: string,
  schema: string,
  table: string,
  keyFields: string[],
): Promise<string[] | undefined> {
  const exists = await query<{ t: string | null }>(url, 'SELECT to_regclass($1)::text AS t', [
    `${quoteIdent(schema)}.${quoteIdent(table)}`,
  ]);
  if (!exists[0]?.t) return undefined;
  const expr = keyFields.map((k) => `${quoteIdent(k)}::text`).join(`, `);
  const rows = await query<{ k: string }>(
    url,
    `SELECT concat_ws(',', ${expr}) AS k FROM ${quoteIdent(schema)}.${quoteIdent(table)}`,
  );
  return rows.map((r) => r.k);
}

function eventTime(
  ev: unknown,
  headers: Map<string, Buffer> | undefined,
  field: string | undefined,
): number | undefined {
  if (field) {
    const row = isChangeEvent(ev) ? ev.after : (ev as Record<string, unknown> | undefined);
    const v = row?.[field];
    if (typeof v === 'number') return v > 1e14 ? v / 1000 : v; // micros (Debezium timestamps) or millis
    if (typeof v === 'string') {
      const t = Date.parse(v);
      return Number.isNaN(t) ? undefined : t;
    }
    return undefined;
  }
  if (isChangeEvent(ev) && typeof ev.source?.ts_ms === 'number') return ev.source.ts_ms;
  const h = headers?.get(DATAGEN_TS_HEADER);
  return h ? Number(h.toString()) : undefined;
}

/**
 * Counts the flow until every stage agrees or the time is up: the source table's rows, the topic's records (read
 * incrementally, from where the last round stopped), each sink's rows or objects. One result either way.
 */
export async function verifyFlow(o: VerifyOptions): Promise<VerifyResult> {
  const sourceConfig = await o.connectorConfig(o.source);
  if (!sourceConfig) {
    throw new UserError('CONNECTOR_NOT_FOUND', `There is no connector ${o.source} on the dev stack.`, {
      hint: 'Deploy it first (`kcops apply --env dev`); `kcops connect list` shows what is there.',
    });
  }
  const source: SourcePlan = planSource(o.source, sourceConfig, o.stack.workerEnv);
  if (source.tables.length !== 1) {
    throw new UserError(
      'VERIFY_UNSUPPORTED',
      `${o.source} captures ${source.tables.length} tables; dev verify follows one.`,
      {
        exitCode: 2,
      },
    );
  }
  const t = source.tables[0]!;
  const sinks: SinkPlan[] = [];
  for (const name of o.sinks) {
    const cfg = await o.connectorConfig(name);
    if (!cfg) throw new UserError('CONNECTOR_NOT_FOUND', `There is no connector ${name} on the dev stack.`, {});
    const plan = planSink(name, cfg, o.stack.workerEnv);
    if (!plan.topics.includes(t.topic)) {
      throw new UserError(
        'VERIFY_NOT_CONNECTED',
        `${name} does not read ${t.topic} (it reads ${plan.topics.join(', ') || 'no topic list'}).`,
        {
          hint: "Name a sink whose `topics` include the source table's topic.",
          exitCode: 2,
        },
      );
    }
    sinks.push(plan);
  }
  const srcUrl = o.stack.pgUrl(source.database);
  const keyFields = await primaryKey(srcUrl, t.schema, t.table).catch((e: unknown) => {
    throw new UserError('VERIFY_SOURCE_UNREACHABLE', `Cannot read ${source.database}: ${describeCause(e)}`, {
      cause: e,
    });
  });
  if (!keyFields) {
    throw new UserError(
      'VERIFY_NO_KEY',
      `${t.schema}.${t.table} has no primary key: records cannot be matched row by row.`,
      {
        hint: 'Give the table a primary key (Debezium keys its records by it).',
        exitCode: 2,
      },
    );
  }

  const topic = newStage();
  let deletes = 0;
  let topicRecords = 0;
  let positions: Positions = new Map();
  const topicLatency: number[] = [];
  const sinkStages: Record<string, StageKeys> = Object.fromEntries(sinks.map((s) => [s.connector, newStage()]));
  const sinkRecords: Record<string, number> = Object.fromEntries(sinks.map((s) => [s.connector, 0]));
  const sinkLatency: Record<string, number[]> = Object.fromEntries(sinks.map((s) => [s.connector, []]));
  const s3Seen: Record<string, Set<string>> = {};
  // For S3 sinks the latest event per key decides whether it is live (objects arrive in any order).
  const s3Latest: Record<string, Map<string, { at: number; live: boolean }>> = {};
  const started = Date.now();
  const step = o.reporter.step(`Verifying ${o.source}${o.sinks.length ? ` → ${o.sinks.join(', ')}` : ''}`);
  let rounds = 0;
  let last: { sourceKeys: Set<string>; cmp: ReturnType<typeof compareStages> } | undefined;
  for (;;) {
    rounds++;
    const sourceKeys = new Set((await tableKeys(srcUrl, t.schema, t.table, keyFields)) ?? []);

    const read = await readTopic(
      o.stack.kafkaAdmin,
      t.topic,
      (r) => {
        topicRecords++;
        const key = keyText(unwrapEnvelope(r.key ? JSON.parse(r.key.toString()) : undefined), keyFields);
        if (key === undefined) return;
        if (!r.value) return; // tombstone after a delete: the delete event already counted
        const ev = unwrapEnvelope(JSON.parse(r.value.toString()));
        topic.counts.set(key, (topic.counts.get(key) ?? 0) + 1);
        if (isChangeEvent(ev) && ev.op === 'd') {
          deletes++;
          topic.live.delete(key);
        } else topic.live.add(key);
        const at = eventTime(ev, r.headers, o.timestampField);
        if (at !== undefined && r.timestamp >= at) topicLatency.push(r.timestamp - at);
      },
      { from: positions },
    );
    positions = read.positions;

    for (const s of sinks) {
      const stage = sinkStages[s.connector]!;
      if (s.kind === 'jdbc') {
        const table = s.tableFor(t.topic);
        const [schema, name] = table.includes('.') ? table.split('.', 2) : ['public', table];
        const keys =
          (await tableKeys(o.stack.pgUrl(s.database), schema!, name!, keyFields).catch(() => undefined)) ?? [];
        stage.counts = new Map(keys.map((k) => [k, 1]));
        stage.live = new Set(keys);
        sinkRecords[s.connector] = keys.length;
      } else {
        const bucket = new DevS3(o.stack.s3.endpoint, s.bucket);
        const seen = (s3Seen[s.connector] ??= new Set());
        const latest = (s3Latest[s.connector] ??= new Map());
        const fresh = (await bucket.list(s.prefix)).filter((x) => !seen.has(x.key));
        await inBatches(fresh, 16, async (obj) => {
          const body = await bucket.get(obj.key);
          seen.add(obj.key);
          for (const line of body.split('\n').filter((l) => l.trim())) {
            let doc: unknown;
            try {
              doc = unwrapEnvelope(JSON.parse(line));
            } catch {
              continue; // not JSON: not ours to count
            }
            sinkRecords[s.connector]!++;
            const ev = isChangeEvent(doc) ? doc : undefined;
            const key = keyText(ev ? (ev.after ?? ev.before) : doc, keyFields);
            if (key === undefined) continue;
            stage.counts.set(key, (stage.counts.get(key) ?? 0) + 1);
            const at = ev?.source?.ts_ms ?? ev?.ts_ms ?? 0;
            const prev = latest.get(key);
            if (!prev || at >= prev.at) latest.set(key, { at, live: ev?.op !== 'd' });
            const t0 = eventTime(doc, undefined, o.timestampField);
            // LastModified has a resolution of one second: good for seconds of latency, not for milliseconds.
            if (t0 !== undefined && obj.lastModified >= t0 - 1000)
              sinkLatency[s.connector]!.push(Math.max(0, obj.lastModified - t0));
          }
        });
        stage.live = new Set([...latest].filter(([, v]) => v.live).map(([k]) => k));
      }
    }

    const cmp = compareStages(sourceKeys, topic, sinkStages);
    last = { sourceKeys, cmp };
    step.update(
      `source ${sourceKeys.size}, topic ${topic.live.size}${sinks.map((s) => `, ${s.connector} ${sinkStages[s.connector]!.live.size}`).join('')}`,
    );
    if (cmp.ok || Date.now() - started >= o.timeoutMs) break;
    await new Promise((r) =>
      setTimeout(r, Math.min(o.intervalMs ?? 2000, Math.max(0, o.timeoutMs - (Date.now() - started)))),
    );
  }
  const { sourceKeys, cmp } = last;
  if (cmp.ok) step.done(`${sourceKeys.size} rows agree at every stage`);
  else step.fail(`${cmp.mismatches.length} keys disagree after ${Math.round((Date.now() - started) / 1000)} s`);
  const sinkLat: Record<string, Latency> = {};
  for (const [n, xs] of Object.entries(sinkLatency)) {
    const l = latencyOf(xs);
    if (l) sinkLat[n] = l;
  }
  const topicLat = latencyOf(topicLatency);
  return {
    ok: cmp.ok,
    source: { connector: o.source, database: source.database, table: `${t.schema}.${t.table}`, rows: sourceKeys.size },
    topic: { name: t.topic, records: topicRecords, keys: topic.live.size, deletes },
    sinks: sinks.map((s) => ({
      connector: s.connector,
      kind: s.kind,
      target: s.kind === 'jdbc' ? `${s.database}.${s.tableFor(t.topic)}` : `s3://${s.bucket}/${s.prefix}`,
      records: sinkRecords[s.connector]!,
      keys: sinkStages[s.connector]!.live.size,
    })),
    latency: {
      ...(topicLat ? { topic: topicLat } : {}),
      sinks: sinkLat,
      from: o.timestampField
        ? `field ${o.timestampField}`
        : 'source.ts_ms (commit time) or the kcops.datagen.ts header',
    },
    mismatches: { total: cmp.mismatches.length, keys: cmp.mismatches },
    waitedMs: Date.now() - started,
    rounds,
  };
}

async function inBatches<T>(items: T[], width: number, run: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (i < items.length) await run(items[i++]!);
    }),
  );
}
