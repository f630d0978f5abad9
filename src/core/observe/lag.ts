import { kafkaAdmin, type SaslAccess } from '../../kafka/admin.js';

export interface PartitionLag {
  topic: string;
  partition: number;
  committed: number | null;
  end: number;
  /** end - committed; the whole partition when nothing was committed yet. */
  lag: number;
}

export interface GroupLag {
  group: string;
  partitions: PartitionLag[];
  total: number;
}

/** SASL access to an environment's Kafka cluster (kcops.yaml's `kafka` block). */
export type KafkaAccess = SaslAccess;

/** Pure: committed offsets and end offsets → lag per partition, sorted. */
export function computeLag(
  group: string,
  committed: { topic: string; partition: number; offset: number }[],
  ends: { topic: string; partition: number; offset: number }[],
): GroupLag {
  const c = new Map(committed.map((x) => [`${x.topic}\u0000${x.partition}`, x.offset]));
  const partitions = ends
    .map((e) => {
      const k = c.get(`${e.topic}\u0000${e.partition}`);
      const committedOffset = k === undefined || k < 0 ? null : k;
      return {
        topic: e.topic,
        partition: e.partition,
        committed: committedOffset,
        end: e.offset,
        lag: Math.max(0, e.offset - (committedOffset ?? 0)),
      };
    })
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { group, partitions, total: partitions.reduce((s, p) => s + p.lag, 0) };
}

/**
 * A sink connector's lag: its consumer group `connect-<name>` (Connect's default group id) committed offsets against
 * the partitions' end offsets. Uses ListConsumerGroupOffsets + ListOffsets only: the library's describeGroups
 * cannot decode every member protocol.
 */
export async function sinkLag(k: KafkaAccess, connector: string, groupId = `connect-${connector}`): Promise<GroupLag> {
  const admin = kafkaAdmin(k, 'kcops-metrics');
  try {
    const groups = await admin.listConsumerGroupOffsets({ groups: [groupId] });
    const committed = (groups[0]?.topics ?? []).flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) })),
    );
    if (committed.length === 0) return { group: groupId, partitions: [], total: 0 };
    const byTopic = new Map<string, number[]>();
    for (const c of committed) byTopic.set(c.topic, [...(byTopic.get(c.topic) ?? []), c.partition]);
    const listed = await admin.listOffsets({
      topics: [...byTopic].map(([name, ps]) => ({
        name,
        partitions: ps.map((p) => ({ partitionIndex: p, timestamp: -1n })),
      })),
    });
    const ends = listed.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: Number(p.offset) })),
    );
    return computeLag(groupId, committed, ends);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/**
 * What the monitor reads from Kafka in one round, whatever the number of connectors: the committed offsets of every
 * watched sink's group (one ListConsumerGroupOffsets for all groups), then the end offsets of their partitions and of
 * the dead-letter topics (one topic listing and one Metadata for the DLQ topics' partitions, one ListOffsets for
 * everything). A dead-letter topic that does not exist yet counts 0.
 */
export async function monitorOffsets(
  k: KafkaAccess,
  groups: string[],
  topics: string[],
): Promise<{ lags: GroupLag[]; topicEnds: Record<string, number> }> {
  const admin = kafkaAdmin(k, 'kcops-monitor');
  try {
    const listed = groups.length ? await admin.listConsumerGroupOffsets({ groups }) : [];
    const committedBy = new Map<string, { topic: string; partition: number; offset: number }[]>();
    for (const g of listed)
      committedBy.set(
        g.groupId,
        g.topics.flatMap((t) =>
          t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) })),
        ),
      );
    const wanted = new Map<string, Set<number>>();
    for (const cs of committedBy.values())
      for (const c of cs) wanted.set(c.topic, (wanted.get(c.topic) ?? new Set()).add(c.partition));
    // A dead-letter topic exists only once a first record went there: ask about the ones that exist (one listing).
    const existing = topics.length ? new Set(await admin.listTopics()) : new Set<string>();
    const present = topics.filter((t) => existing.has(t));
    if (present.length) {
      const meta = await admin.metadata({ topics: present, autocreateTopics: false });
      for (const t of present) {
        const n = meta.topics.get(t)?.partitionsCount ?? 0;
        for (let p = 0; p < n; p++) wanted.set(t, (wanted.get(t) ?? new Set()).add(p));
      }
    }
    const ends = wanted.size
      ? (
          await admin.listOffsets({
            topics: [...wanted].map(([name, ps]) => ({
              name,
              partitions: [...ps].map((p) => ({ partitionIndex: p, timestamp: -1n })),
            })),
          })
        ).flatMap((t) =>
          t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: Number(p.offset) })),
        )
      : [];
    const lags = groups.map((g) => {
      const committed = committedBy.get(g) ?? [];
      const mine = new Set(committed.map((c) => `${c.topic}\u0000${c.partition}`));
      return computeLag(
        g,
        committed,
        ends.filter((e) => mine.has(`${e.topic}\u0000${e.partition}`)),
      );
    });
    const topicEnds: Record<string, number> = Object.create(null);
    for (const t of topics) topicEnds[t] = ends.filter((e) => e.topic === t).reduce((s, e) => s + e.offset, 0);
    return { lags, topicEnds };
  } finally {
    await admin.close().catch(() => undefined);
  }
}
