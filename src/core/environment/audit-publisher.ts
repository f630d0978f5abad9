import { openKafkaRest } from '../../connect/confluent-cloud/backend.js';
import type { AuditPublisher } from '../audit/mirror.js';
import type { AuditTopicTarget } from '../audit/topic-target.js';

/** Brokers for self-managed clusters, Kafka REST for Confluent Cloud; credentials are resolved when publishing. */
export function publisherFor(t: AuditTopicTarget): AuditPublisher {
  const a = t.access;
  if (a.type === 'kafka') {
    return {
      target: `topic ${t.topic} on ${a.bootstrapServers.join(',')}`,
      // Loaded only when publishing: the Kafka client costs ~0.5 s of start-up that every day-2 command would pay.
      publish: async (messages) =>
        (await import('../../kafka/produce.js')).produceRecords(
          {
            bootstrapServers: a.bootstrapServers,
            topic: t.topic,
            ...(a.sasl
              ? { sasl: { mechanism: a.sasl.mechanism, username: a.sasl.username, password: a.sasl.password() } }
              : {}),
          },
          messages,
        ),
    };
  }
  return {
    target: `topic ${t.topic} on ${a.kafkaClusterId} (Kafka REST at ${a.restEndpoint})`,
    publish: async (messages) =>
      openKafkaRest({
        restEndpoint: a.restEndpoint,
        kafkaClusterId: a.kafkaClusterId,
        apiKey: a.apiKey(),
        apiSecret: a.apiSecret(),
        credentialRef: a.credentialRef,
      }).produce(t.topic, messages),
  };
}
