/**
 * The pure half of `dev verify`: what each stage holds, per key, and whether they agree. A key is the record key's
 * primary-key values joined by commas (`42`, or `7,eu` for a composite key), the same text at every stage.
 */
export interface StageKeys {
  /** Records (or rows) per key. */
  counts: Map<string, number>;
  /** Keys present now (a deleted key has records but is not live). */
  live: Set<string>;
}

export interface KeyMismatch {
  key: string;
  source: number;
  topic: number;
  sinks: Record<string, number>;
  /** Where the key is missing (-) or should not be (+): `topic-`, `payments-orders-jdbc-sink+`. */
  problems: string[];
}

export interface Comparison {
  ok: boolean;
  mismatches: KeyMismatch[];
}

export function newStage(): StageKeys {
  return { counts: new Map(), live: new Set() };
}

export function compareStages(source: Set<string>, topic: StageKeys, sinks: Record<string, StageKeys>): Comparison {
  const all = new Set<string>([...source, ...topic.live, ...Object.values(sinks).flatMap((s) => [...s.live])]);
  const mismatches: KeyMismatch[] = [];
  for (const key of all) {
    const want = source.has(key);
    const problems: string[] = [];
    if (topic.live.has(key) !== want) problems.push(`topic${want ? '-' : '+'}`);
    for (const [name, s] of Object.entries(sinks))
      if (s.live.has(key) !== want) problems.push(`${name}${want ? '-' : '+'}`);
    if (problems.length === 0) continue;
    mismatches.push({
      key,
      source: want ? 1 : 0,
      topic: topic.counts.get(key) ?? 0,
      sinks: Object.fromEntries(Object.entries(sinks).map(([n, s]) => [n, s.counts.get(key) ?? 0])),
      problems,
    });
  }
  mismatches.sort((a, b) => compareKeys(a.key, b.key));
  return { ok: mismatches.length === 0, mismatches };
}

/** Numeric keys in numeric order, others as text. */
export function compareKeys(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
}

export interface Latency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentiles of latency samples (ms); undefined without samples. */
export function latencyOf(samples: number[]): Latency | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { samples: sorted.length, p50Ms: at(50), p99Ms: at(99), maxMs: sorted.at(-1)! };
}

/** A Kafka Connect JSON key or value: the payload of a {schema, payload} envelope, or the document itself. */
export function unwrapEnvelope(doc: unknown): unknown {
  if (doc && typeof doc === 'object' && 'payload' in doc && 'schema' in doc)
    return (doc as { payload: unknown }).payload;
  return doc;
}

/** The key text of a record: its fields named by `keyFields`, in that order. */
export function keyText(obj: unknown, keyFields: string[]): string | undefined {
  if (obj === null || obj === undefined) return undefined;
  if (typeof obj !== 'object') return String(obj);
  const o = obj as Record<string, unknown>;
  const values = keyFields.map((f) => o[f]);
  if (values.some((v) => v === undefined || v === null)) return undefined;
  return values.map((v) => String(v)).join(',');
}

/** A Debezium change event (after unwrapping): op, row images and the source's commit time. */
export interface ChangeEvent {
  op?: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  source?: { ts_ms?: number; lsn?: number };
  ts_ms?: number;
}

export function isChangeEvent(v: unknown): v is ChangeEvent {
  return !!v && typeof v === 'object' && 'op' in v && ('after' in v || 'before' in v);
}
