import { UserError } from '../../errors.js';
import type { ConnectCluster } from '../../connect/cluster.js';
import { readTopic, recordCount, topicRange } from '../../kafka/read.js';
import type { KafkaAccess } from '../observe/lag.js';
import { redactText } from '../secrets/sensitive.js';

/** The headers Connect adds to a dead-lettered record when `errors.deadletterqueue.context.headers.enable=true`. */
export const ERROR_HEADER_PREFIX = '__connect.errors.';

export interface DlqRecord {
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  value: string | null;
  /** `__connect.errors.*` headers without the prefix: topic, partition, offset, connector.name, stage, class.name, exception.*. */
  errors: Record<string, string>;
}

export interface DlqReport {
  connector: string;
  topic: string;
  /** Records in the topic (end minus start offsets). */
  count: number;
  contextHeaders: boolean;
  records: DlqRecord[];
  /** Among the records shown: how many per exception class. */
  byException: Record<string, number>;
}

const MAX_TEXT = 2000;

/** Bytes as text for display: UTF-8 when it is, hex otherwise; long values cut; credentials masked. */
export function displayBytes(b: Buffer | undefined): string | null {
  if (!b) return null;
  const text = b.toString('utf8');
  // Control bytes (an Avro frame starts with 0x00) mean binary: shown as hex rather than as garbage.
  const binary = text.includes('\uFFFD') || [...b.subarray(0, 256)].some((c) => c < 9 || (c > 13 && c < 32));
  const shown = binary ? `0x${b.subarray(0, 256).toString('hex')}` : text;
  const cut = shown.length > MAX_TEXT ? `${shown.slice(0, MAX_TEXT)}… (${b.length} bytes)` : shown;
  return redactText(cut);
}

export function errorHeaders(headers: Map<string, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of headers) {
    if (!k.startsWith(ERROR_HEADER_PREFIX)) continue;
    const name = k.slice(ERROR_HEADER_PREFIX.length);
    let text = v.toString('utf8');
    // The stack trace is long; its first lines say what happened.
    if (name === 'exception.stacktrace') text = text.split('\n').slice(0, 6).join('\n');
    out[name] = redactText(text);
  }
  return out;
}

/** A sink's dead letter queue: where its config says, how many records, the first `limit` with their error context. */
export async function readDlq(
  cluster: ConnectCluster,
  kafka: KafkaAccess | undefined,
  connector: string,
  limit: number,
): Promise<DlqReport> {
  const config = await cluster.connectorConfig(connector);
  if (!config) {
    throw new UserError('CONNECTOR_NOT_FOUND', `There is no connector ${connector}.`, {
      hint: '`kcops connect list` shows the connectors of the environment.',
    });
  }
  const topic = config['errors.deadletterqueue.topic.name'];
  if (!topic) {
    throw new UserError(
      'DLQ_NOT_CONFIGURED',
      `${connector} has no dead letter queue (errors.deadletterqueue.topic.name).`,
      {
        hint:
          config['errors.tolerance'] === 'all'
            ? 'It tolerates errors without a DLQ: bad records are dropped (and logged only with errors.log.enable=true). Add errors.deadletterqueue.topic.name.'
            : 'Only sink connectors have one; set errors.tolerance=all and errors.deadletterqueue.topic.name to keep bad records instead of failing.',
      },
    );
  }
  if (!kafka) {
    throw new UserError('DLQ_NO_KAFKA', `Reading ${topic} needs access to the environment's Kafka cluster.`, {
      hint: 'Give the environment a `kafka:` block in kcops.yaml (bootstrapServers and sasl).',
    });
  }
  const range = await topicRange(kafka, topic);
  const contextHeaders = config['errors.deadletterqueue.context.headers.enable'] === 'true';
  if (!range) return { connector, topic, count: 0, contextHeaders, records: [], byException: {} };
  const records: DlqRecord[] = [];
  await readTopic(
    kafka,
    topic,
    (r) =>
      records.push({
        partition: r.partition,
        offset: r.offset.toString(),
        timestamp: new Date(r.timestamp).toISOString(),
        key: displayBytes(r.key),
        value: displayBytes(r.value),
        errors: errorHeaders(r.headers),
      }),
    { limit, deadlineMs: 60_000 },
  );
  const byException: Record<string, number> = {};
  for (const r of records) {
    const c = r.errors['exception.class.name'] ?? '(no context headers)';
    byException[c] = (byException[c] ?? 0) + 1;
  }
  return { connector, topic, count: recordCount(range), contextHeaders, records: records.slice(0, limit), byException };
}
