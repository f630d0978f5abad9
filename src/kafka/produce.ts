import { Producer, stringSerializers } from '@platformatic/kafka';
import { UserError } from '../errors.js';

export interface OutgoingRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface ProduceTarget {
  bootstrapServers: string[];
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string };
  topic: string;
  /** The whole send: connecting, authenticating, retries and the acknowledgement. */
  deadlineMs?: number;
}

const DEADLINE_MS = 20_000;

class DeadlineExceeded extends Error {}

/**
 * Writes records to one topic, in order, with an idempotent producer (acks=all: every in-sync replica has them), then
 * closes it. Bounded everywhere: the library retries an idempotent producer forever unless told otherwise, so retries
 * are capped and the whole send has a deadline. Topics are never created here (an audit topic's partitions and
 * retention are the operator's decision). Failures come back as UserErrors whose hint names the fix.
 */
export async function produceRecords(t: ProduceTarget, records: OutgoingRecord[]): Promise<void> {
  if (records.length === 0) return;
  const producer = new Producer({
    clientId: 'kcops-audit',
    bootstrapBrokers: t.bootstrapServers,
    ...(t.sasl ? { sasl: { mechanism: t.sasl.mechanism, username: t.sasl.username, password: t.sasl.password } } : {}),
    idempotent: true,
    retries: 2,
    retryDelay: 250,
    connectTimeout: 5_000,
    requestTimeout: 10_000,
    timeout: 10_000,
    autocreateTopics: false,
    serializers: stringSerializers,
  });
  const deadlineMs = t.deadlineMs ?? DEADLINE_MS;
  let timer: NodeJS.Timeout | undefined;
  const sending = producer.send({
    messages: records.map((r) => ({ topic: t.topic, key: r.key, value: r.value, headers: r.headers })),
  });
  // Past the deadline the send is abandoned; its late rejection must not surface as an unhandled one.
  sending.catch(() => undefined);
  try {
    await Promise.race([
      sending,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineExceeded()), deadlineMs);
      }),
    ]);
  } catch (e) {
    throw produceFailure(t, e, deadlineMs);
  } finally {
    clearTimeout(timer);
    // Closing also cancels a retry that is waiting; a close that hangs must not hold the command.
    await Promise.race([producer.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
  }
}

/** Maps the library's nested errors (AggregateErrors of protocol errors, causes of network errors) to what to do. */
export function produceFailure(t: ProduceTarget, e: unknown, deadlineMs = DEADLINE_MS): UserError {
  const brokers = t.bootstrapServers.join(',');
  const principal = t.sasl ? `User:${t.sasl.username}` : 'User:ANONYMOUS';
  const has = (test: (x: ErrorLike) => boolean) => findError(e, test) !== undefined;
  const api = (id: string) => has((x) => x.apiId === id);
  const create = `kafka-topics.sh --bootstrap-server ${brokers} --create --topic ${t.topic} --partitions 1 --config retention.ms=-1`;
  const grant = `kafka-acls.sh --bootstrap-server ${brokers} --add --allow-principal ${principal} --operation Write --topic ${t.topic}`;
  if (e instanceof DeadlineExceeded) {
    return new UserError('KAFKA_PRODUCE_TIMEOUT', `No acknowledgement from ${brokers} within ${deadlineMs / 1000} s.`, {
      hint: 'Are the brokers reachable from here, and is kafka.bootstrapServers in kcops.yaml right?',
      cause: e,
    });
  }
  if (api('SASL_AUTHENTICATION_FAILED') || has((x) => x.code === 'PLT_KFK_AUTHENTICATION')) {
    return new UserError(
      'KAFKA_AUTH',
      `The brokers at ${brokers} rejected ${t.sasl?.username ?? 'the connection'} (SASL ${t.sasl?.mechanism ?? 'none'}).`,
      {
        hint: 'Check kafka.sasl in kcops.yaml: the username, the password reference and the mechanism.',
        cause: e,
      },
    );
  }
  if (api('TOPIC_AUTHORIZATION_FAILED')) {
    return new UserError('KAFKA_TOPIC_DENIED', `${principal} may not write to topic ${t.topic}.`, {
      hint: `Grant it WRITE on the topic (\`${grant}\`). The broker says the same when the topic does not exist and the principal may not see it: create it too if needed.`,
      cause: e,
    });
  }
  if (api('CLUSTER_AUTHORIZATION_FAILED')) {
    return new UserError('KAFKA_IDEMPOTENT_DENIED', `${principal} may not open an idempotent producer on ${brokers}.`, {
      hint: `Brokers before Kafka 3.0 need IdempotentWrite on the cluster besides Write on ${t.topic} (kafka-acls.sh ... --operation IdempotentWrite --cluster).`,
      cause: e,
    });
  }
  if (api('UNKNOWN_TOPIC_OR_PARTITION') || has((x) => /^Unknown topic /.test(x.message ?? ''))) {
    return new UserError('KAFKA_TOPIC_MISSING', `Topic ${t.topic} does not exist on ${brokers}.`, {
      hint: `kcops does not create it. Create it with one partition (the chain stays in one order) and the retention the audit needs: \`${create}\`.`,
      cause: e,
    });
  }
  const net = findError(
    e,
    (x) => x.code === 'PLT_KFK_NETWORK' || /^E(CONNREFUSED|NOTFOUND|HOSTUNREACH|TIMEDOUT)/.test(x.code ?? ''),
  );
  if (net) {
    return new UserError('KAFKA_UNREACHABLE', `Cannot reach the brokers at ${brokers} (${deepest(net)}).`, {
      hint: 'Is the cluster up and kafka.bootstrapServers in kcops.yaml right? (TLS listeners are not supported yet.)',
      cause: e,
    });
  }
  return new UserError('KAFKA_PRODUCE', `Writing to topic ${t.topic} on ${brokers} failed: ${deepest(e)}`, {
    hint: `The topic must exist (\`${create}\`) and ${principal} needs WRITE on it (\`${grant}\`).`,
    cause: e,
  });
}

interface ErrorLike {
  message?: string;
  code?: string;
  apiId?: string;
  errors?: unknown[];
  cause?: unknown;
}

function findError(e: unknown, test: (x: ErrorLike) => boolean, depth = 0): ErrorLike | undefined {
  if (!e || typeof e !== 'object' || depth > 8) return undefined;
  const x = e as ErrorLike;
  if (test(x)) return x;
  for (const inner of [...(Array.isArray(x.errors) ? x.errors : []), x.cause]) {
    const found = findError(inner, test, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The innermost message: the library's outer ones say only "failed 3 times". */
function deepest(e: unknown): string {
  let x = e as ErrorLike | undefined;
  for (let i = 0; i < 8 && x; i++) {
    const next = (Array.isArray(x.errors) ? x.errors.at(-1) : undefined) ?? x.cause;
    if (!next || typeof next !== 'object') break;
    x = next as ErrorLike;
  }
  return x?.message ?? String(e);
}
