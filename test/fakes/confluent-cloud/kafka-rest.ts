import type { FakeConfluentCloud, FakeProducedRecord } from './server.js';

/** Kafka REST v3 of the stand-in's one cluster: topics, ACLs and produce (SPEC.md, "Kafka REST v3"). */

/** Kafka REST v3: topics and ACLs of the one cluster, and producing to its topics, with the Kafka cluster API key. */
export function kafkaRest(
  cloud: FakeConfluentCloud,
  method: string,
  url: URL,
  body: unknown,
  authorization: string | undefined,
  answer: (status: number, payload?: unknown) => void,
): void {
  const restErr = (status: number, message: string) => answer(status, { error_code: status, message });
  const expected = 'Basic ' + Buffer.from(`${cloud.kafkaApiKey}:${cloud.kafkaApiSecret}`).toString('base64');
  if (authorization !== expected) return answer(401, { error_code: 40101, message: 'Authentication failed' });
  const produce = /^\/kafka\/v3\/clusters\/([^/]+)\/topics\/([^/]+)\/records$/.exec(url.pathname);
  if (produce && method === 'POST')
    return produceRecord(cloud, produce[1]!, decodeURIComponent(produce[2]!), body, answer);
  const m = /^\/kafka\/v3\/clusters\/([^/]+)\/(topics|acls)$/.exec(url.pathname);
  if (!m || method !== 'GET') return restErr(404, 'HTTP 404 Not Found');
  if (m[1] !== cloud.clusterId) return restErr(404, `Cluster ${m[1]} cannot be found.`);
  const self = `${cloud.url}${url.pathname}`;
  if (m[2] === 'topics') {
    const data = [...cloud.topics].sort().map((t) => ({
      kind: 'KafkaTopic',
      metadata: { self: `${self}/${t}`, resource_name: `crn:///kafka=${cloud.clusterId}/topic=${t}` },
      cluster_id: cloud.clusterId,
      topic_name: t,
      is_internal: false,
      replication_factor: 3,
      partitions_count: 6,
      partitions: { related: `${self}/${t}/partitions` },
      configs: { related: `${self}/${t}/configs` },
      partition_reassignments: { related: `${self}/${t}/partitions/-/reassignments` },
    }));
    return answer(200, { kind: 'KafkaTopicList', metadata: { self, next: null }, data });
  }
  const q = url.searchParams;
  const data = cloud.acls
    .filter((a) =>
      (['principal', 'resource_type', 'resource_name', 'pattern_type', 'operation', 'permission'] as const).every(
        (k) => !q.get(k) || q.get(k) === a[k],
      ),
    )
    .map((a) => ({ kind: 'KafkaAcl', metadata: { self }, cluster_id: cloud.clusterId, ...a }));
  answer(200, { kind: 'KafkaAclList', metadata: { self: `${self}${url.search}` }, data });
}

/** One record, non-streaming: a delivery report with error_code 200, or the error the document gives. */
function produceRecord(
  cloud: FakeConfluentCloud,
  cluster: string,
  topic: string,
  body: unknown,
  answer: (status: number, payload?: unknown) => void,
) {
  const restErr = (status: number, code: number, message: string) => answer(status, { error_code: code, message });
  if (cluster !== cloud.clusterId) return restErr(404, 404, `Cluster ${cluster} cannot be found.`);
  if (body === undefined || body === null || typeof body !== 'object')
    return restErr(422, 422, 'Payload error. Request body is empty. Data is required.');
  const b = body as { key?: { type?: string; data?: unknown }; value?: { type?: string; data?: unknown } } & {
    headers?: { name?: unknown; value?: unknown }[];
  };
  const headers: Record<string, string> = {};
  for (const h of b.headers ?? []) {
    const v = typeof h.value === 'string' ? h.value : '';
    if (typeof h.name !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0)
      return restErr(400, 400, 'Cannot deserialize value of type `byte[]`: not base64');
    headers[h.name] = Buffer.from(v, 'base64').toString('utf8');
  }
  const decode = (d: { type?: string; data?: unknown } | undefined): string | null | undefined => {
    if (!d) return null;
    if (d.type === 'STRING') return typeof d.data === 'string' ? d.data : undefined;
    if (d.type === 'JSON' || d.type === undefined) return JSON.stringify(d.data);
    if (d.type === 'BINARY' && typeof d.data === 'string') return Buffer.from(d.data, 'base64').toString('utf8');
    return undefined;
  };
  const key = decode(b.key);
  const value = decode(b.value);
  if (key === undefined || value === undefined) return restErr(400, 400, 'Bad Request: data does not match its type');
  if (!cloud.topics.has(topic)) return restErr(404, 40403, 'This server does not host this topic-partition.');
  if (cloud.writeDenied.has(topic)) return restErr(403, 40301, 'Request is not authorized');
  const list = cloud.produced.get(topic) ?? [];
  cloud.produced.set(topic, list);
  const record: FakeProducedRecord = { key, value, headers, partition: 0, offset: list.length };
  list.push(record);
  const size = (x: string | null, type = 'STRING') => (x === null ? null : { type, size: Buffer.byteLength(x) });
  answer(200, {
    error_code: 200,
    cluster_id: cloud.clusterId,
    topic_name: topic,
    partition_id: record.partition,
    offset: record.offset,
    timestamp: new Date().toISOString(),
    key: size(key, b.key?.type),
    value: size(value, b.value?.type),
  });
}
