import { randomBytes } from 'node:crypto';
import { Consumer, type Message } from '@platformatic/kafka';
import { UserError, describeCause } from '../errors.js';
import { kafkaAdmin, type SaslAccess } from './admin.js';

/** One record as read: raw bytes (the caller decides JSON, Avro or text), its headers, key and broker timestamp. */
export interface ReadRecord {
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | undefined;
  value: Buffer | undefined;
  headers: Map<string, Buffer>;
}

/** Where a read stopped, per partition: the next offset to read. Passed back in to read only what is new. */
export type Positions = Map<number, bigint>;

export interface TopicRange {
  partitions: number[];
  start: Map<number, bigint>;
  end: Map<number, bigint>;
}

/** A topic's partitions with their log-start and end offsets; undefined when the topic does not exist. */
export async function topicRange(k: SaslAccess, topic: string): Promise<TopicRange | undefined> {
  // Describing a big topic's partitions takes longer than a metadata question.
  const a = kafkaAdmin(k, 'kcops-read', { connectTimeout: 5000, timeout: 15_000 });
  try {
    const topics = await a.listTopics();
    if (!topics.includes(topic)) return undefined;
    const md = await a.metadata({ topics: [topic] });
    const partitions = (md.topics.get(topic)?.partitions ?? []).map((_, i) => i);
    const at = async (timestamp: bigint) => {
      const r = await a.listOffsets({
        topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, timestamp })) }],
      });
      return new Map(r.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, BigInt(p.offset)] as const)));
    };
    return { partitions, start: await at(-2n), end: await at(-1n) };
  } catch (e) {
    throw new UserError('KAFKA_READ_FAILED', `Cannot describe topic ${topic} on ${k.bootstrap}: ${describeCause(e)}`, {
      hint: `Is the broker up, and may ${k.username} describe the topic?`,
      cause: e,
    });
  } finally {
    await a.close().catch(() => undefined);
  }
}

/**
 * Reads a topic from `from` (default: the start of each partition) up to the end offsets it has now, then stops:
 * a snapshot read, bounded by `limit` records and by `deadlineMs`. Transaction markers occupy offsets without
 * records, so a partition also counts as read once nothing new arrived for a short while.
 */
export async function readTopic(
  k: SaslAccess,
  topic: string,
  onRecord: (r: ReadRecord) => void,
  o: { from?: Positions; limit?: number; deadlineMs?: number } = {},
): Promise<{ positions: Positions; read: number; exists: boolean }> {
  const range = await topicRange(k, topic);
  if (!range) return { positions: new Map(), read: 0, exists: false };
  const positions: Positions = new Map(
    range.partitions.map((p) => [p, maxBig(o.from?.get(p) ?? 0n, range.start.get(p) ?? 0n)]),
  );
  const pending = () => range.partitions.filter((p) => positions.get(p)! < (range.end.get(p) ?? 0n));
  if (pending().length === 0 || o.limit === 0) return { positions, read: 0, exists: true };
  const consumer = new Consumer({
    // A throw-away group: nothing is committed, so it leaves no offsets behind.
    groupId: `kcops-read-${randomBytes(4).toString('hex')}`,
    clientId: 'kcops-read',
    bootstrapBrokers: [k.bootstrap],
    sasl: { mechanism: k.mechanism, username: k.username, password: k.password },
    connectTimeout: 5000,
    timeout: 15_000,
    retries: 1,
  });
  let read = 0;
  // Big topics take long to read on a small machine: by default a minute plus 2 ms per record to read.
  const toRead = pending().reduce((n, p) => n + Number((range.end.get(p) ?? 0n) - positions.get(p)!), 0);
  const deadlineMs = o.deadlineMs ?? 60_000 + toRead * 2;
  const deadline = Date.now() + deadlineMs;
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'manual',
      offsets: pending().map((p) => ({ topic, partition: p, offset: positions.get(p)! })),
      autocommit: false,
      maxWaitTime: 300,
    });
    const iterator = stream[Symbol.asyncIterator]();
    try {
      let idleSince = Date.now();
      let waiting: Promise<IteratorResult<Message<Buffer, Buffer, Buffer, Buffer>>> | undefined;
      while (pending().length > 0 && (o.limit === undefined || read < o.limit)) {
        if (Date.now() > deadline) {
          throw new UserError(
            'KAFKA_READ_TIMEOUT',
            `Reading ${topic} did not reach its end within ${Math.round(deadlineMs / 1000)} s.`,
            {
              hint: 'Read fewer records (--limit), or check the broker (`kcops dev logs broker`).',
            },
          );
        }
        // The same next() is awaited until it settles: a second call after an idle second would orphan the first,
        // and the record it brings would be lost.
        waiting ??= iterator.next();
        let timer: NodeJS.Timeout | undefined;
        const next = await Promise.race([
          waiting,
          new Promise<'idle'>((r) => {
            timer = setTimeout(() => r('idle'), 1000);
          }),
        ]);
        clearTimeout(timer);
        if (next === 'idle') {
          // Only control records (transaction markers) left before the end offset.
          if (Date.now() - idleSince > 3000) break;
          continue;
        }
        waiting = undefined;
        if (next.done) break;
        idleSince = Date.now();
        const m = next.value;
        positions.set(m.partition, m.offset + 1n);
        read++;
        onRecord({
          partition: m.partition,
          offset: m.offset,
          timestamp: Number(m.timestamp),
          key: m.key ?? undefined,
          value: m.value ?? undefined,
          headers: new Map([...m.headers].map(([hk, hv]) => [hk.toString(), hv])),
        });
      }
    } finally {
      await stream.close().catch(() => undefined);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError('KAFKA_READ_FAILED', `Reading topic ${topic} on ${k.bootstrap} failed: ${describeCause(e)}`, {
      hint: `May ${k.username} read the topic and use consumer groups named kcops-read-*?`,
      cause: e,
    });
  } finally {
    await Promise.race([
      Promise.resolve(consumer.close(true)).catch(() => undefined),
      new Promise((r) => setTimeout(r, 2000).unref()),
    ]);
  }
  return { positions, read, exists: true };
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Offsets up to the end, summed over partitions: the record count of a topic without reading it (no compaction). */
export function recordCount(r: TopicRange): number {
  return r.partitions.reduce((s, p) => s + Number((r.end.get(p) ?? 0n) - (r.start.get(p) ?? 0n)), 0);
}
